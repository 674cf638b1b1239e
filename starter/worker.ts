/**
 * `npm run worker`: runs worker/main.ts's workers, with the demo settings when no settings
 * file is named, and the embedded Optima available for `optima.kind: embedded` (production
 * code does not import dev/; this entry point does). The embedded Optima, and better-sqlite3
 * with it, loads only when the settings ask for it.
 */
import { DEMO_FALLBACK } from '../dev/demo-settings';
import { embeddedOptimaDrivers } from '../dev/embedded-optima/drivers';
import { runWorker } from '../worker/main';

runWorker(DEMO_FALLBACK, embeddedOptimaDrivers).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

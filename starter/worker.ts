/**
 * `npm run worker`: runs worker/main.ts's workers, with the demo settings when no settings
 * file is named (production code does not import dev/; this entry point does).
 */
import { DEMO_FALLBACK } from '../dev/demo-settings';
import { runWorker } from '../worker/main';

runWorker(DEMO_FALLBACK).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

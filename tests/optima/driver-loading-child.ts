/**
 * Child process of no-sqlite-for-mssql.test.ts: wires the worker from a settings file the way
 * `npm run worker` does (embedded driver factory offered), makes the gateway connect, and
 * prints whether better-sqlite3 was loaded into this process. A process of its own: the
 * test runner itself loads better-sqlite3 for other tests.
 */
import { loadSettings } from '../../config/settings';
import { embeddedOptimaDrivers } from '../../dev/embedded-optima/drivers';
import { wireWorker } from '../../worker/wiring';

async function main(): Promise<void> {
  const settings = loadSettings({ file: process.argv[2], env: {} });
  const wiring = await wireWorker(settings, { optimaDrivers: embeddedOptimaDrivers });
  try {
    const checks = await wiring.optima.checkConnection();
    const sqliteModules = Object.keys(require.cache).filter((p) => p.includes('better-sqlite3'));
    process.stdout.write(`${JSON.stringify({ connected: checks[0]?.ok ?? false, sqliteModules })}\n`);
  } finally {
    await wiring.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});

/**
 * `npm start [-- options]`: the whole product on one machine (starter/demo/run.ts). The first
 * Ctrl-C stops everything in order (new orders, worker, simulator, Temporal); a second one
 * exits at once.
 */
import { SettingsError } from '../config/settings';
import { DEMO_USAGE, DemoUsageError, parseDemoArgs } from './demo/options';
import { runDemo } from './demo/run';

/** Signals closer together than this are one Ctrl-C. */
const SAME_CTRL_C_MS = 1500;

async function main(): Promise<number> {
  let options;
  try {
    options = parseDemoArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof DemoUsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${DEMO_USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(DEMO_USAGE);
    return 0;
  }

  const abort = new AbortController();
  // Registered before anything starts: the dev server then leaves Ctrl-C to us (scripts/dev-server.ts).
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // One Ctrl-C may arrive more than once: from the terminal and relayed by npm and tsx.
    if (abort.signal.aborted && Date.now() - firstSignalAt < SAME_CTRL_C_MS) return;
    if (abort.signal.aborted) {
      process.stderr.write(`\n${signal} again: exiting without waiting.\n`);
      process.exit(130);
    }
    process.stderr.write(`\n${signal}: stopping…\n`);
    firstSignalAt = Date.now();
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await runDemo(
      options,
      { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() },
      abort.signal,
    );
    return 0;
  } catch (error) {
    const text =
      error instanceof SettingsError
        ? `the settings are not valid:\n${error.message}`
        : error instanceof Error
          ? error.message
          : String(error);
    process.stderr.write(`\nnpm start: ${text}\n`);
    return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
    // Connections of the Temporal SDK may keep the event loop alive a moment; nothing is left to do.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);

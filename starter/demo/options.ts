/** The demo's command line: `npm start -- [--settings FILE] [--ui-port N] [--data-dir DIR] [--rate N] [--duration S]`. */
import { Command, CommanderError } from 'commander';

export interface DemoOptions {
  /** A settings file: run against the real Allegro and Optima it names (no simulator, no embedded Optima). */
  settingsFile?: string;
  /** Web UI port of a dev server the demo starts. */
  uiPort: number;
  /** Where the demo keeps its state: Temporal's database, the embedded Optima, the simulator journal, tokens. */
  dataDir: string;
  /** New simulated orders per second. */
  rate: number;
  /** Stop by itself after this many seconds (tests); absent: run until Ctrl-C. */
  durationSeconds?: number;
  /** Orders already waiting on Allegro when the demo starts the first time. */
  backlog: number;
  help: boolean;
}

export const DEMO_DEFAULTS = { uiPort: 8233, dataDir: '.data', rate: 1.5, backlog: 30 } as const;

/** The demo's options; its --help is generated from them. */
function demoCommand(): Command {
  return (
    new Command('npm start')
      .usage('[-- options]')
      .description(
        'Runs the whole integrator on one machine: a Temporal dev server with its Web UI, the Allegro simulator with ' +
          'orders that keep arriving, the embedded Optima, the worker and the poller.\n' +
          'Ctrl-C stops everything; starting again goes on where it stopped.',
      )
      .helpOption(false)
      .option(
        '--settings <FILE>',
        'run against the real Allegro and Optima of this settings file instead (no simulator, no embedded Optima; ' +
          'a local Temporal dev server only when the settings name a local address where nothing listens)',
      )
      .option('--ui-port <N>', `Web UI port of the dev server the demo starts (default ${DEMO_DEFAULTS.uiPort})`)
      .option('--data-dir <DIR>', `where state is kept (default ${DEMO_DEFAULTS.dataDir})`)
      .option('--rate <N>', `new simulated orders per second (default ${DEMO_DEFAULTS.rate}; 0: none)`)
      .option('--duration <S>', 'stop by itself after S seconds')
      // A plain option, not commander's help: parseDemoArgs reports it and demo.ts prints DEMO_USAGE.
      .option('-h, --help', 'this text')
      .exitOverride()
      .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
      .configureHelp({ helpWidth: 100, optionTerm: (option) => option.flags.replace(/ <([^>]+)>$/, ' $1') })
  );
}

export const DEMO_USAGE = demoCommand().helpInformation();

export class DemoUsageError extends Error {
  override readonly name = 'DemoUsageError';
}

function number(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min) {
    throw new DemoUsageError(`--${name} must be a number ≥ ${min}, got "${raw}"`);
  }
  return value;
}

export function parseDemoArgs(argv: string[]): DemoOptions {
  const command = demoCommand();
  try {
    command.parse(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    throw new DemoUsageError(error.message.replace(/^error: /, ''));
  }
  const values = command.opts<{
    settings?: string;
    uiPort?: string;
    dataDir?: string;
    rate?: string;
    duration?: string;
    help?: boolean;
  }>();
  const uiPort = number('ui-port', values.uiPort, 1);
  if (uiPort !== undefined && (!Number.isInteger(uiPort) || uiPort > 65535)) {
    throw new DemoUsageError(`--ui-port must be a port number, got "${values.uiPort}"`);
  }
  const duration = number('duration', values.duration, 1);
  if (values.dataDir !== undefined && values.dataDir.trim() === '')
    throw new DemoUsageError('--data-dir must not be empty');
  return {
    ...(values.settings !== undefined ? { settingsFile: values.settings } : {}),
    uiPort: uiPort ?? DEMO_DEFAULTS.uiPort,
    dataDir: values.dataDir ?? DEMO_DEFAULTS.dataDir,
    rate: number('rate', values.rate, 0) ?? DEMO_DEFAULTS.rate,
    ...(duration !== undefined ? { durationSeconds: duration } : {}),
    backlog: DEMO_DEFAULTS.backlog,
    help: values.help ?? false,
  };
}

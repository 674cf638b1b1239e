/**
 * `npm run bench [-- options]` (`npm run bench -- --help` lists them, with their defaults).
 *
 * Runs the benchmark on this machine (a dev server it starts itself, or TEMPORAL_ADDRESS),
 * prints a table and writes every figure to the JSON file (default bench/results/latest.json).
 */
import path from 'node:path';
import { Command } from 'commander';
import { runBenchmark } from './benchmark';
import { DEFAULT_OPTIONS, type BenchOptions } from './options';
import { formatReport, writeResultJson } from './report';

const DEFAULT_JSON = path.join('bench', 'results', 'latest.json');

interface NumberFlag<K> {
  key: K;
  /** For --help. */
  help: string;
  /** Default: whole numbers ≥ 1. */
  integer?: boolean;
  min?: number;
}

type NumberOption = Exclude<
  { [K in keyof BenchOptions]: BenchOptions[K] extends number ? K : never }[keyof BenchOptions],
  undefined
>;

/** The flags that set a number option, with the option each sets. */
const OPTION_FLAGS = {
  orders: { key: 'orders', help: 'backlog size, and number of floor workflows' },
  'steady-seconds': { key: 'steadySeconds', help: 'length of the steady state' },
  rate: { key: 'rate', integer: false, min: 0.1, help: 'orders per second in the steady state' },
  'latency-ms': { key: 'latencyMs', min: 0, help: "the simulator's latency per Allegro call" },
  'poll-interval': { key: 'pollIntervalSeconds', integer: false, min: 0.1, help: "the poller's interval, seconds" },
  'page-size': { key: 'pageSize', help: 'events per poller read' },
  'history-sample': { key: 'historySample', help: 'histories read per phase for the activity timings' },
  seed: { key: 'seed', help: "the simulator's random seed" },
} as const satisfies Record<string, NumberFlag<NumberOption>>;

/** The worker tuning's flags (the same names as `npm run worker`'s). */
const TUNING_FLAGS = {
  'max-activities': { key: 'maxConcurrentActivityTaskExecutions', help: 'activity slots of the worker' },
  'max-allegro-activities': {
    key: 'maxConcurrentAllegroActivityTaskExecutions',
    help: 'activity slots on the Allegro task queue',
  },
  'max-workflow-tasks': { key: 'maxConcurrentWorkflowTaskExecutions', help: 'workflow task slots' },
  'max-cached-workflows': { key: 'maxCachedWorkflows', help: 'workflows kept in the worker cache' },
} as const satisfies Record<string, NumberFlag<keyof BenchOptions['tuning']>>;

function number(name: string, value: string | undefined, fallback: number, { integer = true, min = 1 } = {}): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min) {
    throw new Error(`--${name} must be ${integer ? 'a whole number' : 'a number'} ≥ ${min}, got "${value}"`);
  }
  return n;
}

/** Each flag's number, or the default for the flags not given. */
function numbers<K extends string>(
  flags: Record<string, Readonly<NumberFlag<K>>>,
  values: Record<string, string | undefined>,
  defaults: Record<K, number>,
): Record<K, number> {
  return Object.fromEntries(
    Object.entries(flags).map(([name, { key, help: _help, ...rule }]) => [
      key,
      number(name, values[name], defaults[key], rule),
    ]),
  ) as Record<K, number>;
}

function benchCommand(): Command {
  const command = new Command('npm run bench')
    .usage('[-- options]')
    .description('Runs the benchmark on this machine (a dev server it starts itself, or TEMPORAL_ADDRESS).')
    // Help ends the script; any other mistake is thrown, for main() or a test to report.
    .exitOverride((error) => {
      if (error.code === 'commander.helpDisplayed') process.exit(0);
      throw new Error(error.message.replace(/^error: /, ''));
    })
    .configureOutput({ writeOut: (text) => process.stdout.write(text), writeErr: () => undefined })
    .configureHelp({ helpWidth: 100 });
  for (const [flag, { key, help }] of Object.entries(OPTION_FLAGS))
    command.option(`--${flag} <N>`, `${help} (default ${DEFAULT_OPTIONS[key]})`);
  for (const [flag, { key, help }] of Object.entries(TUNING_FLAGS))
    command.option(`--${flag} <N>`, `${help} (default ${DEFAULT_OPTIONS.tuning[key]})`);
  return command
    .option('--optima-fsync', "the embedded Optima's commits wait for the disk (default: for the OS only)")
    .option(
      '--workflow-stack-traces',
      "the worker answers the Web UI's Stack Trace (default: off, as the worker's own default)",
    )
    .option(
      '--workflow-deadlock-guard',
      "the SDK's watchdog on every call into the workflow sandbox (default: off, as the worker's own default)",
    )
    .option('--json <FILE>', `where every figure is written (default ${DEFAULT_JSON})`)
    .option('--cpu-profile <DIR>', 'the integrator worker also writes a V8 CPU profile of its main thread there');
}

/** Names as on the command line: commander keys its values by camel case. */
function byFlag(command: Command): Record<string, string | undefined> {
  const values = command.opts<Record<string, string | undefined>>();
  return Object.fromEntries(command.options.map((option) => [option.long!.slice(2), values[option.attributeName()]]));
}

export function parseBenchArgs(argv: string[]): { options: Partial<BenchOptions>; json: string } {
  const command = benchCommand();
  command.parse(argv, { from: 'user' });
  const given = byFlag(command);
  return {
    json: given.json ?? DEFAULT_JSON,
    options: {
      ...numbers(OPTION_FLAGS, given, DEFAULT_OPTIONS),
      ...(given['cpu-profile'] ? { cpuProfileDir: path.resolve(given['cpu-profile']) } : {}),
      ...(command.opts<{ optimaFsync?: boolean }>().optimaFsync ? { optimaFsync: true } : {}),
      tuning: {
        ...numbers(TUNING_FLAGS, given, DEFAULT_OPTIONS.tuning),
        workflowStackTraces: command.opts<{ workflowStackTraces?: boolean }>().workflowStackTraces === true,
        workflowDeadlockGuard: command.opts<{ workflowDeadlockGuard?: boolean }>().workflowDeadlockGuard === true,
      },
    },
  };
}

async function main(): Promise<void> {
  const { options, json } = parseBenchArgs(process.argv.slice(2));
  const result = await runBenchmark(options);
  process.stdout.write(formatReport(result));
  writeResultJson(json, result);
  process.stdout.write(`Results: ${json}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}

/**
 * `npm run bench [-- --orders N] [--steady-seconds S] [--rate R] [--latency-ms L] [--json FILE]
 *  [--poll-interval S] [--page-size N] [--max-activities N] [--max-allegro-activities N]
 *  [--max-workflow-tasks N] [--max-cached-workflows N] [--history-sample N] [--seed N] [--cpu-profile DIR]`
 *
 * Runs the benchmark on this machine (a dev server it starts itself, or TEMPORAL_ADDRESS),
 * prints a table and writes every figure to the JSON file (default bench/results/latest.json).
 * --cpu-profile DIR: the integrator worker also writes a V8 CPU profile of its main thread there.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runBenchmark } from './benchmark';
import { DEFAULT_OPTIONS, type BenchOptions } from './options';
import { formatReport, writeResultJson } from './report';

const DEFAULT_JSON = path.join('bench', 'results', 'latest.json');

interface NumberFlag<K> {
  key: K;
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
  orders: { key: 'orders' },
  'steady-seconds': { key: 'steadySeconds' },
  rate: { key: 'rate', integer: false, min: 0.1 },
  'latency-ms': { key: 'latencyMs', min: 0 },
  'poll-interval': { key: 'pollIntervalSeconds', integer: false, min: 0.1 },
  'page-size': { key: 'pageSize' },
  'history-sample': { key: 'historySample' },
  seed: { key: 'seed' },
} as const satisfies Record<string, NumberFlag<NumberOption>>;

/** The worker tuning's flags (the same names as `npm run worker`'s). */
const TUNING_FLAGS = {
  'max-activities': { key: 'maxConcurrentActivityTaskExecutions' },
  'max-allegro-activities': { key: 'maxConcurrentAllegroActivityTaskExecutions' },
  'max-workflow-tasks': { key: 'maxConcurrentWorkflowTaskExecutions' },
  'max-cached-workflows': { key: 'maxCachedWorkflows' },
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
    Object.entries(flags).map(([name, { key, ...rule }]) => [key, number(name, values[name], defaults[key], rule)]),
  ) as Record<K, number>;
}

export function parseBenchArgs(argv: string[]): { options: Partial<BenchOptions>; json: string } {
  const stringFlags = [...Object.keys(OPTION_FLAGS), ...Object.keys(TUNING_FLAGS), 'json', 'cpu-profile'];
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(stringFlags.map((flag) => [flag, { type: 'string' as const }])),
  });
  const given = values as Record<string, string | undefined>;
  return {
    json: given.json ?? DEFAULT_JSON,
    options: {
      ...numbers(OPTION_FLAGS, given, DEFAULT_OPTIONS),
      ...(given['cpu-profile'] ? { cpuProfileDir: path.resolve(given['cpu-profile']) } : {}),
      tuning: numbers(TUNING_FLAGS, given, DEFAULT_OPTIONS.tuning),
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

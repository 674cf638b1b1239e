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
import { DEFAULT_OPTIONS, runBenchmark, type BenchOptions } from './benchmark';
import { formatReport, writeResultJson } from './report';

const DEFAULT_JSON = path.join('bench', 'results', 'latest.json');

function number(name: string, value: string | undefined, fallback: number, { integer = true, min = 1 } = {}): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min) {
    throw new Error(`--${name} must be ${integer ? 'a whole number' : 'a number'} ≥ ${min}, got "${value}"`);
  }
  return n;
}

export function parseBenchArgs(argv: string[]): { options: Partial<BenchOptions>; json: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      orders: { type: 'string' },
      'steady-seconds': { type: 'string' },
      rate: { type: 'string' },
      'latency-ms': { type: 'string' },
      json: { type: 'string' },
      'poll-interval': { type: 'string' },
      'page-size': { type: 'string' },
      'max-activities': { type: 'string' },
      'max-allegro-activities': { type: 'string' },
      'max-workflow-tasks': { type: 'string' },
      'max-cached-workflows': { type: 'string' },
      'history-sample': { type: 'string' },
      seed: { type: 'string' },
      'cpu-profile': { type: 'string' },
    },
  });
  const d = DEFAULT_OPTIONS;
  return {
    json: values.json ?? DEFAULT_JSON,
    options: {
      orders: number('orders', values.orders, d.orders),
      steadySeconds: number('steady-seconds', values['steady-seconds'], d.steadySeconds),
      rate: number('rate', values.rate, d.rate, { integer: false, min: 0.1 }),
      latencyMs: number('latency-ms', values['latency-ms'], d.latencyMs, { min: 0 }),
      pollIntervalSeconds: number('poll-interval', values['poll-interval'], d.pollIntervalSeconds, {
        integer: false,
        min: 0.1,
      }),
      pageSize: number('page-size', values['page-size'], d.pageSize),
      historySample: number('history-sample', values['history-sample'], d.historySample),
      seed: number('seed', values.seed, d.seed),
      ...(values['cpu-profile'] ? { cpuProfileDir: path.resolve(values['cpu-profile']) } : {}),
      tuning: {
        maxConcurrentActivityTaskExecutions: number(
          'max-activities',
          values['max-activities'],
          d.tuning.maxConcurrentActivityTaskExecutions,
        ),
        maxConcurrentAllegroActivityTaskExecutions: number(
          'max-allegro-activities',
          values['max-allegro-activities'],
          d.tuning.maxConcurrentAllegroActivityTaskExecutions,
        ),
        maxConcurrentWorkflowTaskExecutions: number(
          'max-workflow-tasks',
          values['max-workflow-tasks'],
          d.tuning.maxConcurrentWorkflowTaskExecutions,
        ),
        maxCachedWorkflows: number('max-cached-workflows', values['max-cached-workflows'], d.tuning.maxCachedWorkflows),
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

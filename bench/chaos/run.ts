/**
 * `npm run chaos [-- options]` (`npm run chaos -- --help` lists them with their defaults).
 *
 * Runs the chaos run on this machine (its own Temporal dev server), prints the table, writes
 * every figure to the JSON file (default bench/chaos/results/latest.json) and exits 1 when an order
 * was lost, duplicated or booked with a total other than the one paid.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { runChaos } from './chaos';
import { DEFAULT_CHAOS_OPTIONS, type ChaosOptions } from './options';
import { failures, formatChaosReport } from './report';

const DEFAULT_JSON = path.join('bench', 'chaos', 'results', 'latest.json');

const whole = (name: string, min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`--${name} must be a whole number ≥ ${min}.`);
  return n;
};
const share = (name: string) => (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`--${name} must be a number from 0 to 1.`);
  return n;
};

export function parseChaosArgs(argv: string[]): { options: Partial<ChaosOptions>; json: string } {
  const d = DEFAULT_CHAOS_OPTIONS;
  const program = new Command('npm run chaos --')
    .description('Runs the chaos run: faults, kills and restarts while orders arrive; then counts what happened.')
    .option('--orders <n>', `paid orders (default ${d.orders})`, whole('orders', 1))
    .option(
      '--spread-seconds <n>',
      `orders arrive over this long; 0 = a burst (default ${d.spreadSeconds})`,
      whole('spread-seconds', 0),
    )
    .option(
      '--allegro-fault-rate <p>',
      `share of Allegro calls answered 503/429 (default ${d.allegroFaultRate})`,
      share('allegro-fault-rate'),
    )
    .option(
      '--licence-refusal-rate <p>',
      `share of Optima logins refused (default ${d.licenceRefusalRate})`,
      share('licence-refusal-rate'),
    )
    .option('--workers <n>', `worker processes (default ${d.workers})`, whole('workers', 1))
    .option('--kills <n>', `worker SIGKILLs (default ${d.kills})`, whole('kills', 0))
    .option('--restarts <n>', `Temporal dev server restarts (default ${d.serverRestarts})`, whole('restarts', 0))
    .option('--cancel-rate <p>', `share of paid orders cancelled (default ${d.cancelRate})`, share('cancel-rate'))
    .option('--repeat-rate <p>', `share of READY events sent again (default ${d.repeatRate})`, share('repeat-rate'))
    .option(
      '--merge-rate <p>',
      `share of paid orders that are merged payments (default ${d.mergeRate})`,
      share('merge-rate'),
    )
    .option(
      '--fault-window <n>',
      'kills and restarts happen within this many seconds (default spread + 20)',
      whole('fault-window', 1),
    )
    .option(
      '--settle-timeout <n>',
      `seconds to wait for the run to settle (default ${d.settleTimeoutSeconds})`,
      whole('settle-timeout', 1),
    )
    .option('--seed <n>', `seed of the orders and of the moments (default ${d.seed})`, whole('seed', 0))
    .option('--json <file>', `where every figure is written (default ${DEFAULT_JSON})`)
    .allowExcessArguments(false)
    // Help ends the script; any other mistake is thrown, for main() or a test to report.
    .exitOverride((error) => {
      if (error.code === 'commander.helpDisplayed') process.exit(0);
      throw new Error(error.message.replace(/^error: /, ''));
    })
    .configureOutput({ writeOut: (text) => process.stdout.write(text), writeErr: () => undefined });
  const v = program.parse(argv, { from: 'user' }).opts<Record<string, number | string | undefined>>();
  const options: Partial<ChaosOptions> = {};
  const set = <K extends keyof ChaosOptions>(key: K, value: number | string | undefined) => {
    if (value !== undefined) options[key] = value as ChaosOptions[K];
  };
  set('orders', v.orders);
  set('spreadSeconds', v.spreadSeconds);
  set('allegroFaultRate', v.allegroFaultRate);
  set('licenceRefusalRate', v.licenceRefusalRate);
  set('workers', v.workers);
  set('kills', v.kills);
  set('serverRestarts', v.restarts);
  set('cancelRate', v.cancelRate);
  set('repeatRate', v.repeatRate);
  set('mergeRate', v.mergeRate);
  set('faultWindowSeconds', v.faultWindow);
  set('settleTimeoutSeconds', v.settleTimeout);
  set('seed', v.seed);
  return { options, json: typeof v.json === 'string' ? v.json : DEFAULT_JSON };
}

async function main(): Promise<void> {
  const { options, json } = parseChaosArgs(process.argv.slice(2));
  // Seconds since the start on every line: when a kill or a restart fell is what explains the latencies.
  const began = Date.now();
  const log = (line: string) =>
    process.stderr.write(`${((Date.now() - began) / 1000).toFixed(1).padStart(6)} s  ${line}\n`);
  const result = await runChaos({ ...options, log });
  process.stdout.write(formatChaosReport(result));
  fs.mkdirSync(path.dirname(json), { recursive: true });
  fs.writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`Results: ${json}\n`);
  if (failures(result).length > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}

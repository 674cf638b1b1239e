/**
 * `npm run worker [-- --settings file.yaml] [--max-activities N] [--max-allegro-activities N]
 * [--max-workflow-tasks N] [--max-cached-workflows N] [--workflow-stack-traces] [--workflow-deadlock-guard] [--workflow-bundle file.js]`
 *
 * Runs the integrator's workers until SIGINT or SIGTERM, then lets running tasks finish and
 * closes the connections. Settings: --settings, else $AO_CONFIG, else ./settings.yaml when it
 * exists, else `fallback` (starter/worker.ts passes the demo settings). --workflow-bundle: a
 * bundle made beforehand (bundleWorkflowCode) instead of bundling workflows/ at start, which
 * takes seconds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { Runtime } from '@temporalio/worker';
import {
  loadSettings,
  redactSettings,
  SETTINGS_FILE_ENV,
  type Settings,
  type SettingsFallback,
} from '../config/settings';
import type { OptimaDriverFactories } from '../activities/optima';
import { createLogger, TemporalLogger } from './logging';
import type { WorkerTuning } from './start';
import { registerBusinessGauges, startMetricsServer, type MetricsServer } from './metrics';
import { describeConnectRetry } from './connect';
import { startWiredWorker, wireWorker, type WorkerWiring } from './wiring';

function positiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`--${name} must be a whole number ≥ 1.`);
    return n;
  };
}

interface WorkerOptions {
  settings?: string;
  maxActivities?: number;
  maxAllegroActivities?: number;
  maxWorkflowTasks?: number;
  maxCachedWorkflows?: number;
  workflowStackTraces?: boolean;
  workflowDeadlockGuard?: boolean;
  workflowBundle?: string;
}

function parseWorkerOptions(argv: string[]): WorkerOptions {
  const program = new Command('npm run worker --')
    .description("Runs the integrator's workers until SIGINT or SIGTERM.")
    .option('--settings <file>', `settings file (else $${SETTINGS_FILE_ENV}, else ./settings.yaml)`)
    .option('--max-activities <n>', 'activity slots of the worker', positiveInt('max-activities'))
    .option(
      '--max-allegro-activities <n>',
      'activity slots on the Allegro task queue',
      positiveInt('max-allegro-activities'),
    )
    .option('--max-workflow-tasks <n>', 'workflow task slots', positiveInt('max-workflow-tasks'))
    .option('--max-cached-workflows <n>', 'workflows kept in the worker cache', positiveInt('max-cached-workflows'))
    .option('--workflow-stack-traces', "answer the Web UI's Stack Trace (costs CPU and memory per order)")
    .option(
      '--workflow-deadlock-guard',
      'fail a workflow task stuck in workflow code for 5 s (costs a thread per call into the sandbox)',
    )
    .option('--workflow-bundle <file>', 'a workflow bundle made beforehand instead of bundling at start')
    .allowExcessArguments(false);
  return program.parse(argv, { from: 'node' }).opts<WorkerOptions>();
}

/** `optimaDrivers`: for Optima kinds other than SQL Server (starter/worker.ts passes the embedded one). */
export async function runWorker(fallback?: SettingsFallback, optimaDrivers?: OptimaDriverFactories): Promise<void> {
  const values = parseWorkerOptions(process.argv);
  const local = path.resolve('settings.yaml');
  const file = values.settings ?? (process.env[SETTINGS_FILE_ENV] || (fs.existsSync(local) ? local : undefined));
  const settings = loadSettings({ file, env: process.env, fallback });
  const tuning: WorkerTuning = {
    maxConcurrentActivityTaskExecutions: values.maxActivities,
    maxConcurrentAllegroActivityTaskExecutions: values.maxAllegroActivities,
    maxConcurrentWorkflowTaskExecutions: values.maxWorkflowTasks,
    maxCachedWorkflows: values.maxCachedWorkflows,
    workflowStackTraces: values.workflowStackTraces,
    workflowDeadlockGuard: values.workflowDeadlockGuard,
  };

  // On SIGINT/SIGTERM the runtime shuts every worker down gracefully; run() then resolves.
  const { metrics } = settings;
  Runtime.install({
    // Installed before the first connection: the SDK logs through it from then on.
    logger: new TemporalLogger(createLogger()),
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    // The SDK's own worker metrics (task slots, latencies, failures) beside ours.
    ...(metrics.enabled
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `${metrics.host}:${metrics.temporalPort}` } } } }
      : {}),
  });
  // No worker runs yet to take the runtime's shutdown: a signal while waiting for Temporal ends the wait.
  const stopWaiting = (): never => process.exit(0);
  process.once('SIGINT', stopWaiting).once('SIGTERM', stopWaiting);
  const wiring = await wireWorker(settings, {
    ...(optimaDrivers ? { optimaDrivers } : {}),
    ...(file ? { settingsFile: file } : {}),
    // A service started before Temporal waits for it (Ctrl-C still stops it).
    connectRetry: {
      onRetry: (failure) => process.stderr.write(`${describeConnectRetry(settings.temporal.address, failure)}\n`),
    },
  });
  process.removeListener('SIGINT', stopWaiting).removeListener('SIGTERM', stopWaiting);
  try {
    const running = await startWiredWorker(wiring, settings, {
      ...(values.workflowBundle ? { workflowBundle: { codePath: path.resolve(values.workflowBundle) } } : {}),
      tuning: Object.fromEntries(Object.entries(tuning).filter(([, v]) => v !== undefined)),
    });
    const { temporal, optima, allegro } = redactSettings(settings);
    process.stderr.write(
      `worker running: Temporal ${temporal.address}/${temporal.namespace}, task queues ${running.taskQueue}, ` +
        `${running.allegroTaskQueue} and ${running.pollerTaskQueue}; Optima ${optima.kind}; Allegro ${allegro.environment} ` +
        `(${allegro.accounts.map((a) => a.name).join(', ')}). Ctrl-C stops.\n`,
    );
    const served = metrics.enabled ? await serveMetrics(wiring, settings) : undefined;
    await running.done;
    await served?.close();
  } finally {
    await wiring.close();
  }
}

/** The business metrics of this worker's accounts on /metrics; the address is printed for Prometheus. */
async function serveMetrics(wiring: WorkerWiring, settings: Settings): Promise<MetricsServer> {
  registerBusinessGauges({
    client: wiring.client,
    accounts: settings.allegro.accounts.map((a) => a.name),
    tokenStore: wiring.tokenStore,
  });
  const server = await startMetricsServer({ host: settings.metrics.host, port: settings.metrics.port });
  const temporal = `http://${settings.metrics.host}:${settings.metrics.temporalPort}/metrics`;
  process.stderr.write(`metrics: ${server.url} (ao_*), ${temporal} (temporal_*)\n`);
  return server;
}

/**
 * The benchmark's worker, in a process of its own so that its memory can be measured alone.
 * Started by bench/worker-child.ts with one JSON argument (WorkerProcessConfig); prints
 * READY_LINE on stdout once its workers run, and stops on SIGTERM like `npm run worker`.
 *
 * - `integrator`: what `npm run worker` runs (the settings' wiring, startWorker), with the Optima
 *   gateway wrapped to log each new document's creation time to the millisecond (the CDN
 *   audit columns keep whole seconds).
 * - `floor`: startWorker with the same tuning, running bench/floor-workflow.ts and activities
 *   that do nothing, under the real activities' names (so they land on the same task queues).
 */
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import type { Activities } from '../activities';
import { createOptimaGateway } from '../activities/optima';
import { loadSettings } from '../config/settings';
import { embeddedOptimaDrivers } from '../dev/embedded-optima/drivers';
import type { OptimaGateway } from '../domain/types';
import { startWorker, type RunningWorker } from '../worker/start';
import { startWiredWorker, wireWorker } from '../worker/wiring';
import { READY_LINE, STATS_REQUEST, type WorkerProcessConfig, type WorkerStats } from './worker-protocol';
import { dataConverterFromEnvironment } from '../encryption/data-converter';

/** The gateway, noting when each document was first written (a repeat has `existed`). */
function recordingGateway(gateway: OptimaGateway, createdLog: string): OptimaGateway {
  const log = fs.openSync(createdLog, 'a');
  return new Proxy(gateway, {
    get(target, property) {
      if (property === 'createDocument') {
        return async (draft: Parameters<OptimaGateway['createDocument']>[0]) => {
          const document = await target.createDocument(draft);
          if (!document.existed) fs.writeSync(log, `${draft.orderId} ${Date.now()}\n`);
          return document;
        };
      }
      if (property === 'close') {
        return async () => {
          await target.close();
          fs.closeSync(log);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function runIntegrator(config: Extract<WorkerProcessConfig, { mode: 'integrator' }>) {
  const bundle: WorkflowBundleOption | undefined = config.workflowBundlePath
    ? { codePath: config.workflowBundlePath }
    : undefined;
  const settings = loadSettings({ file: config.settingsFile, env: {} });
  const optima = recordingGateway(createOptimaGateway(settings, embeddedOptimaDrivers), config.createdLog);
  const wiring = await wireWorker(settings, { cwd: path.dirname(config.settingsFile), optima });
  try {
    const running = await startWiredWorker(wiring, settings, {
      tuning: config.tuning,
      ...(bundle ? { workflowBundle: bundle } : {}),
    });
    await announce(running);
  } finally {
    await wiring.close();
    await optima.close();
  }
}

async function runFloor(config: Extract<WorkerProcessConfig, { mode: 'floor' }>) {
  const connection = await NativeConnection.connect({ address: config.address });
  try {
    const noop = async (): Promise<void> => undefined;
    // Stand-ins under the real names: startWorker puts them on the same queues as the real ones.
    const activities = Object.fromEntries(config.activityTypes.map((name) => [name, noop])) as unknown as Activities;
    const dataConverter = dataConverterFromEnvironment(process.env);
    const { code } = await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, 'floor-workflow.ts'),
      logger: new DefaultLogger('WARN'),
    });
    const running = await startWorker({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      activities,
      allegroRequestsPerMinute: config.allegroRequestsPerMinute,
      tuning: config.tuning,
      workflowBundle: { code },
      // The same payload codec as the real worker (wireWorker), so the floor pays for it too.
      ...(dataConverter ? { dataConverter } : {}),
    });
    await announce(running);
  } finally {
    await connection.close();
  }
}

async function announce(running: RunningWorker): Promise<void> {
  process.stdout.write(
    `${READY_LINE} ${JSON.stringify({ pid: process.pid, states: running.workers.map((w) => w.getState()) })}\n`,
  );
  await running.done;
}

/** Answers the parent's stats requests; the channel does not keep the process alive. */
function serveStats(): void {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on('message', (message) => {
    if (message !== STATS_REQUEST) return;
    const cpu = process.cpuUsage();
    const stats: WorkerStats = {
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      eventLoopDelay: { meanMs: delay.mean / 1e6, p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 },
    };
    delay.reset();
    process.send?.(stats);
  });
  process.channel?.unref();
}

async function main(): Promise<void> {
  serveStats();
  const config = JSON.parse(process.argv[2] ?? '') as WorkerProcessConfig;
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: ['SIGINT', 'SIGTERM'] });
  if (config.mode === 'integrator') await runIntegrator(config);
  else await runFloor(config);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench worker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

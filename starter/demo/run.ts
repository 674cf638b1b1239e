/**
 * The demo, in-process: Temporal (reused or a dev server with the Web UI), Allegro (the
 * simulator with a persistent journal, or the real one), Optima (embedded or SQL Server), the
 * worker and one poller per account; then a live view until the signal aborts or the duration
 * ends; then everything is stopped in the reverse order. Starting again goes on from the
 * poller's cursor: every order is one workflow (id order:<account>:<checkoutFormId>), so
 * nothing is imported twice.
 */
import path from 'node:path';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { FileTokenStore } from '../../activities/allegro/token-store';
import { loadSettings, SETTINGS_FILE_ENV, type Settings } from '../../config/settings';
import { pollerInputByReference } from '../commands/poller';
import { ensureWriteBack, startBackOffice } from './back-office';
import { DEMO_FALLBACK } from '../../dev/demo-settings';
import { embeddedOptimaDrivers } from '../../dev/embedded-optima/drivers';
import { startNbpStandIn } from '../../dev/nbp-rates';
import {
  importNowSignal,
  pollerStartOptions,
  pollerStatusQuery,
  pollerWorkflowId,
  type PollerState,
} from '../../workflows/definitions';
import { ACCOUNT } from '../../workflows/search-attributes';
import { startWiredWorker, wireWorker } from '../../worker/wiring';
import { carriedPollerState, WORKFLOW_TYPES } from '../ops';
import { createDocumentReader, type DocumentReader } from './documents';
import {
  ordersNeedingAttention,
  paidToDocumentLag,
  takeSnapshot,
  workflowLag,
  type LagSource,
  type Snapshot,
} from './monitor';
import type { DemoOptions } from './options';
import { documentsTable, progressLine, Screen, type ScreenOutput } from './screen';
import { startSimulatedAllegro, type SimulatedAllegro } from './simulated-allegro';
import { ensureDemoTemporal, type DemoTemporal } from './temporal';
import { startDemoCodec } from './codec';
import { registerBusinessGauges, startMetricsServer } from '../../worker/metrics';

export interface DemoIo {
  stdout: ScreenOutput;
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface DemoResult {
  seconds: number;
  /** Orders imported in total (all runs), as Temporal counts them. */
  imported: number;
  importedThisRun: number;
  /** Imported during the first 60 s of this run; absent when it ran shorter. */
  importedFirstMinute?: number;
}

const PROGRESS_EVERY_MS = 2_000;
const TABLE_EVERY_MS = 5_000;
const TABLE_ROWS = 8;
const DEMO_PATH_PREFIX = '.data/';
const SIMULATOR_JOURNAL = 'allegro-simulator.jsonl';

/** The demo settings keep their files under `.data/`; --data-dir moves them. */
function rebase(file: string, dataDir: string): string {
  return file.startsWith(DEMO_PATH_PREFIX) ? path.join(dataDir, file.slice(DEMO_PATH_PREFIX.length)) : file;
}

function demoSettings(options: DemoOptions, io: DemoIo): { settings: Settings; source: string } {
  const file = options.settingsFile ? path.resolve(io.cwd, options.settingsFile) : io.env[SETTINGS_FILE_ENV];
  const settings = loadSettings({ file, env: io.env, fallback: DEMO_FALLBACK });
  if (file) return { settings, source: file };
  const optima =
    settings.optima.kind === 'embedded'
      ? { ...settings.optima, file: rebase(settings.optima.file, options.dataDir) }
      : settings.optima;
  return {
    settings: {
      ...settings,
      optima,
      allegro: {
        ...settings.allegro,
        tokenStoreDir: rebase(settings.allegro.tokenStoreDir, options.dataDir),
      },
    },
    source: 'the embedded demo settings (dev/demo-settings.ts)',
  };
}

function portOf(url: string): number {
  const parsed = new URL(url);
  return parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
}

/** A poller that ran before and stopped (e.g. `cli stop`) goes on from its cursor. */
async function previousPollerState(client: Client, workflowId: string): Promise<PollerState | undefined> {
  try {
    return carriedPollerState(await client.workflow.getHandle(workflowId).query(pollerStatusQuery));
  } catch {
    return undefined; // start from import.initialSync: every order is imported once anyway
  }
}

/** Starts the account's poller unless it runs; idempotent. Returns what it did, for the banner. */
async function ensurePoller(client: Client, settings: Settings, account: string, initialSync: string): Promise<string> {
  const workflowId = pollerWorkflowId(account);
  let previous: PollerState | undefined;
  try {
    const running = client.workflow.getHandle(workflowId);
    if ((await running.describe()).status.name === 'RUNNING') {
      // Read now, not at its next 30 s tick: the orders paid while the demo was stopped come in at once.
      await running.signal(importNowSignal);
      return `${workflowId} (running, goes on from its cursor)`;
    }
    previous = await previousPollerState(client, workflowId);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
  await client.workflow.start(WORKFLOW_TYPES.poller, {
    ...pollerStartOptions(account, settings.temporal.taskQueue),
    args: [{ ...pollerInputByReference(settings, account), initialSync, ...(previous ? { state: previous } : {}) }],
    typedSearchAttributes: [{ key: ACCOUNT, value: account }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return previous
    ? `${workflowId} (started again from its previous cursor ${previous.cursor ?? '(oldest event)'})`
    : `${workflowId} (started; reads Allegro events from ${initialSync})`;
}

const seconds = (ms: number) => Math.round(ms / 1000);

export async function runDemo(options: DemoOptions, io: DemoIo, signal: AbortSignal): Promise<DemoResult> {
  const started = Date.now();
  const screen = new Screen(io.stdout);
  const say = (line: string) => screen.log(line);
  const cleanup: { name: string; run: () => Promise<unknown> }[] = [];
  const stopAll = async () => {
    for (const step of cleanup.reverse()) {
      try {
        await step.run();
      } catch (error) {
        io.stderr.write(`while stopping ${step.name}: ${(error as Error).message}\n`);
      }
    }
    cleanup.length = 0;
  };

  const stopped = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
    if (options.durationSeconds !== undefined) setTimeout(resolve, options.durationSeconds * 1000).unref();
  });

  try {
    const { settings: loaded, source } = demoSettings(options, io);
    const accounts = loaded.allegro.accounts.map((a) => a.name);
    say(`allegro-optima demo: settings from ${source}`);

    // A real Allegro needs the seller's consent first (the device flow of `auth`): say so before starting anything.
    const tokenStore = new FileTokenStore({ dir: path.resolve(io.cwd, loaded.allegro.tokenStoreDir) });
    if (loaded.allegro.environment !== 'simulator') {
      for (const account of accounts) {
        if (!(await tokenStore.load(account))) {
          throw new Error(
            `the Allegro account "${account}" is not authorised yet: run  npm run cli -- auth --account ${account}  first`,
          );
        }
      }
    }

    // --- Payload encryption: buyer data never sits in Temporal's database in plain text ----------
    const codec = await startDemoCodec({ dataDir: options.dataDir, env: io.env, uiPort: options.uiPort });
    cleanup.push({ name: 'the codec server', run: () => codec.server.close() });
    say(`  Codec      ${codec.server.url} (AES-256-GCM, key from ${codec.source}); the Web UI decodes through it`);

    // --- Temporal --------------------------------------------------------------------------
    const temporal: DemoTemporal = await ensureDemoTemporal({
      uiCodecEndpoint: codec.server.url,
      settings: loaded,
      explicitAddress: Boolean(io.env.TEMPORAL_ADDRESS?.trim()),
      uiPort: options.uiPort,
      dataDir: options.dataDir,
      cwd: io.cwd,
      log: (line) => io.stderr.write(`${line}\n`),
    });
    cleanup.push({ name: 'the Temporal dev server', run: () => temporal.stop() });
    say(`  Temporal   ${temporal.address}, namespace ${temporal.namespace}: ${temporal.origin}`);

    // --- NBP: the simulator's CZK, EUR and HUF orders take NBP rates; its stand-in answers as api.nbp.pl does.
    let rates = loaded.rates;
    if (loaded.allegro.environment === 'simulator') {
      const nbp = await startNbpStandIn();
      cleanup.push({ name: 'the NBP stand-in', run: () => nbp.close() });
      rates = { nbpUrl: nbp.url };
      say(`  NBP rates  stand-in ${nbp.url} (table A, NBP's JSON)`);
    } else {
      say(`  NBP rates  ${rates.nbpUrl}`);
    }
    const settings: Settings = { ...loaded, rates, temporal: { ...loaded.temporal, address: temporal.address } };

    // --- Allegro -----------------------------------------------------------------------------
    let allegro: SimulatedAllegro | undefined;
    if (settings.allegro.environment === 'simulator') {
      const url = settings.allegro.simulatorUrl ?? '';
      try {
        allegro = await startSimulatedAllegro({
          file: path.join(options.dataDir, SIMULATOR_JOURNAL),
          port: portOf(url),
          clientId: settings.allegro.clientId,
          clientSecret: settings.allegro.clientSecret,
          rate: options.rate,
          backlog: options.backlog,
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new Error(
            `${url} is taken (another demo running?): stop it, or set AO_ALLEGRO__SIMULATOR_URL=http://127.0.0.1:<free port>`,
          );
        }
        throw error;
      }
      const sim = allegro;
      cleanup.push({ name: 'the Allegro simulator', run: () => sim.close() });
      // The simulator's OAuth is real enough; the demo skips the device flow by seeding the tokens.
      for (const account of accounts) {
        const { accessToken, refreshToken } = sim.simulator.admin.issueTokens();
        const now = new Date();
        await tokenStore.save(account, {
          accessToken,
          refreshToken,
          expiresAt: new Date(now.getTime() + 43_199_000).toISOString(),
          obtainedAt: now.toISOString(),
        });
      }
      say(
        `  Allegro    simulator ${sim.url}: ${sim.firstStart ? `${options.backlog} orders waiting (first start)` : `${sim.replayedOrders} orders restored from ${SIMULATOR_JOURNAL}`}, ` +
          `${options.rate} new orders/s`,
      );
    } else {
      say(`  Allegro    ${settings.allegro.environment} (accounts ${accounts.join(', ')})`);
    }

    // --- Optima, worker, poller -------------------------------------------------------------
    const optimaText =
      settings.optima.kind === 'embedded'
        ? `embedded, ${settings.optima.file}`
        : `SQL Server ${settings.optima.server}/${settings.optima.database}`;
    say(`  Optima     ${optimaText}`);
    installRuntime(screen);
    const wiring = await wireWorker(settings, {
      cwd: io.cwd,
      tokenStore,
      dataConverter: codec.dataConverter,
      optimaDrivers: embeddedOptimaDrivers,
    });
    cleanup.push({ name: 'the worker connections', run: () => wiring.close() });
    const worker = await startWiredWorker(wiring, settings, { identity: `demo@${process.pid}` });
    cleanup.push({ name: 'the worker', run: () => worker.shutdown() });
    say(`  Worker     in this process, task queues ${worker.taskQueue} and ${worker.allegroTaskQueue}`);
    if (settings.metrics.enabled) {
      registerBusinessGauges({ client: wiring.client, accounts, tokenStore: wiring.tokenStore });
      const metrics = await startMetricsServer({
        host: settings.metrics.host,
        port: settings.metrics.port,
        orAnyPort: true,
      });
      cleanup.push({ name: 'the metrics server', run: () => metrics.close() });
      say(`  Metrics    ${metrics.url} (Prometheus; alert rules in ops/prometheus-alerts.yml)`);
    }
    const client = wiring.client;
    for (const account of accounts) {
      const initialSync = allegro?.initialSync ?? settings.import.initialSync;
      say(`  Poller     ${await ensurePoller(client, settings, account, initialSync)}`);
      await ensureWriteBack(client, settings, account);
    }
    say(
      '  Back       stock and prices to the offers (offer-sync:<account>), status and tracking (fulfilment:<account>)',
    );
    const backOffice =
      allegro && settings.optima.kind === 'embedded' && settings.optima.file
        ? startBackOffice({ file: settings.optima.file, client, accounts })
        : undefined;
    if (backOffice) cleanup.push({ name: 'the back office', run: async () => backOffice.stop() });
    if (temporal.uiUrl) {
      say(`  Web UI     ${temporal.uiUrl}`);
      say(
        `             orders: ${temporal.uiUrl}/namespaces/${encodeURIComponent(settings.temporal.namespace)}/workflows?query=${encodeURIComponent(`WorkflowType="importOrder"`)}`,
      );
    } else {
      say(
        `  Web UI     not started by the demo: open the UI of ${temporal.address} (e.g. http://localhost:${options.uiPort}) if it has one`,
      );
    }
    say(
      `Ctrl-C stops everything; npm start again goes on where it stopped.${options.durationSeconds ? ` (Stops by itself after ${options.durationSeconds} s.)` : ''}`,
    );
    say('');

    allegro?.startStream();
    const reader = createDocumentReader(settings.optima);
    cleanup.push({ name: 'the Optima reader', run: () => reader.close() });
    const sim = allegro;
    const lag: LagSource = sim
      ? paidToDocumentLag({
          readyAt: sim.readyAt,
          importedOrders: () => reader.importedOrders(),
          needingAttention: () => ordersNeedingAttention(client, accounts),
        })
      : workflowLag(client, accounts);

    const result = await watch({
      client,
      accounts,
      lag,
      reader,
      screen,
      stopped,
      allegro: sim,
      started,
    });
    screen.finish();
    say(
      `Stopping: ${sim ? 'new orders, ' : ''}the worker (running tasks finish)${sim ? ', the simulator' : ''}, Temporal…`,
    );
    allegro?.stopStream();
    await stopAll();
    const summary =
      `Stopped after ${result.seconds} s. Imported this run: ${result.importedThisRun}` +
      `${result.importedFirstMinute !== undefined ? ` (first minute: ${result.importedFirstMinute})` : ''}; imported in total: ${result.imported}.`;
    io.stdout.write(`${summary}\n`);
    if (sim && backOffice) {
      const stats = sim.simulator.admin.stats();
      const office = backOffice.stats();
      io.stdout.write(
        `Back to Allegro: ${stats.offerChanges.quantity} stock and ${stats.offerChanges.price} price changes sent to offers; ` +
          `${stats.requests['PUT /order/checkout-forms/{id}/fulfillment'] ?? 0} statuses set and ${stats.shipmentsAdded} ` +
          `tracking numbers added (${office.packed} ROs marked packed, ${office.converted} converted, ` +
          `${office.stockChanges} stock changes in Optima).\n`,
      );
    }
    return result;
  } finally {
    await stopAll();
  }
}

/** Worker and SDK messages above the live block; only warnings and errors (INFO would flood it). */
function installRuntime(screen: Screen): void {
  const logger = new DefaultLogger('WARN', (entry: LogEntry) => {
    const meta = (entry.meta ?? {}) as Record<string, unknown>;
    // The Allegro queue's worker runs activities only; that is how it is meant to be.
    if (/No workflows registered/.test(entry.message)) return;
    const error = meta.error as { message?: string; type?: string; cause?: { message?: string } } | undefined;
    const { activityType, workflowId, attempt } = meta as {
      activityType?: string;
      workflowId?: string;
      attempt?: number;
    };
    const what = activityType ? ` ${activityType} of ${workflowId} (attempt ${attempt})` : '';
    const why = error ? `: ${error.type ? `${error.type} ` : ''}${error.message ?? error.cause?.message ?? ''}` : '';
    screen.log(`[${entry.level}] ${entry.message}${what}${why}`);
  });
  try {
    // The demo stops the worker itself on Ctrl-C, after the stream and before Temporal.
    Runtime.install({ logger, shutdownSignals: [] });
  } catch {
    // Already installed (a second run in the same process).
  }
}

async function watch(opts: {
  client: Client;
  accounts: string[];
  lag: LagSource;
  reader: DocumentReader;
  screen: Screen;
  stopped: Promise<void>;
  allegro?: SimulatedAllegro;
  started: number;
}): Promise<DemoResult> {
  const { client, accounts, lag, reader, screen } = opts;
  let done = false;
  void opts.stopped.then(() => (done = true));
  let first: Snapshot | undefined;
  let last: Snapshot | undefined;
  let firstMinute: number | undefined;
  let lastTable = 0;
  /** The last failure of each refresh, so a lasting one is said once, not every 2 s. */
  const problems = new Map<string, string>();
  const attempt = async (what: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
      problems.delete(what);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (problems.get(what) !== text) screen.log(`(could not refresh the ${what}: ${text})`);
      problems.set(what, text);
    }
  };
  const count = async () => {
    last = await takeSnapshot(client, accounts, lag);
    first ??= last;
    if (firstMinute === undefined && Date.now() - opts.started >= 60_000) firstMinute = last.imported - first.imported;
  };

  while (!done) {
    await attempt('progress', async () => {
      await count();
      const line = progressLine(last as Snapshot, { onAllegro: opts.allegro?.orderCount() });
      screen.setProgress(`${line} · ${seconds(Date.now() - opts.started)} s`);
    });
    if (Date.now() - lastTable >= TABLE_EVERY_MS) {
      lastTable = Date.now();
      await attempt('documents', async () => screen.setTable(documentsTable(await reader.latest(TABLE_ROWS))));
    }
    await Promise.race([opts.stopped, new Promise((resolve) => setTimeout(resolve, PROGRESS_EVERY_MS))]);
  }
  // One last count, so the summary includes what finished meanwhile.
  await attempt('progress', count);
  const imported = last?.imported ?? 0;
  return {
    seconds: seconds(Date.now() - opts.started),
    imported,
    importedThisRun: imported - (first?.imported ?? 0),
    ...(firstMinute !== undefined ? { importedFirstMinute: firstMinute } : {}),
  };
}

/**
 * A small integrator world for the CLI tests: the run's Temporal dev server, an Allegro
 * simulator, an embedded Optima file, a settings file pointing at them, a seeded token, and
 * a real worker (the project's workflows and activities) on a task queue of its own. Each
 * world has its own account name, so its pollers and orders never meet another test's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import { AllegroClient } from '../../activities/allegro/client';
import { FileTokenStore } from '../../activities/allegro/token-store';
import { createOptimaGateway } from '../../activities/optima';
import { loadSettings, type SettingsInput } from '../../config/settings';
import { startAllegroSimulator, type AllegroSimulator } from '../../dev/allegro-simulator';
import { DEMO_MAPPINGS } from '../../dev/demo-settings';
import { openEmbeddedOptima, RETAIL_PRICE_NUMBER } from '../../dev/embedded-optima';
import { embeddedOptimaDrivers } from '../../dev/embedded-optima/drivers';
import type { OptimaGateway } from '../../domain/types';
import { startWorker, type RunningWorker } from '../../worker/start';
import { wireWorker, type WorkerWiring } from '../../worker/wiring';
import { testAddress, testNamespace, testNativeConnection } from '../harness/temporal';
import { cli, type CliRun, type RunOptions } from './io';

export interface World {
  dir: string;
  account: string;
  taskQueue: string;
  settingsFile: string;
  optimaFile: string;
  tokenDir: string;
  simulator: AllegroSimulator;
  /** The world's own Allegro client (what the worker reads with), for assertions. */
  allegro: AllegroClient;
  /** The world's own gateway (what the worker writes with), for assertions. */
  gateway: OptimaGateway;
  /** Runs the CLI with this world's settings file (and `extra` options). */
  run(argv: string[], extra?: RunOptions): Promise<CliRun>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

export function settingsFor(opts: {
  account: string;
  taskQueue: string;
  optimaFile: string;
  tokenDir: string;
  simulator: AllegroSimulator;
}): SettingsInput {
  return {
    optima: { kind: 'embedded', file: opts.optimaFile, operator: 'ADMIN' },
    allegro: {
      clientId: opts.simulator.clientId,
      clientSecret: opts.simulator.clientSecret,
      environment: 'simulator',
      simulatorUrl: opts.simulator.url,
      userAgent: 'allegro-optima-tests/0.1 (+https://github.com/allegro-optima/allegro-optima)',
      accounts: [{ name: opts.account }],
      tokenStoreDir: opts.tokenDir,
    },
    temporal: { address: testAddress(), namespace: testNamespace(), taskQueue: opts.taskQueue },
    mappings: DEMO_MAPPINGS,
    // The embedded Optima's retail price type, named here rather than left to the settings' default.
    import: { newProduct: { priceTypeNumber: RETAIL_PRICE_NUMBER } },
    // Runs only when asked (import-now, resume, reset): the tests decide when.
    poller: { schedule: { every: '1h' }, pageSize: 100 },
  };
}

export async function createWorld(
  prefix: string,
  simulatorOptions: Parameters<typeof startAllegroSimulator>[0] = {},
): Promise<World> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const suffix = randomUUID().slice(0, 8);
  const account = `${prefix}-${suffix}`;
  const taskQueue = `${prefix}-${suffix}`;
  const optimaFile = path.join(dir, 'optima.sqlite');
  const tokenDir = path.join(dir, 'tokens');
  const simulator = await startAllegroSimulator({ seed: 11, ...simulatorOptions });
  openEmbeddedOptima({ file: optimaFile, seed: true }).close();

  const settingsFile = path.join(dir, 'settings.yaml');
  fs.writeFileSync(settingsFile, stringify(settingsFor({ account, taskQueue, optimaFile, tokenDir, simulator })));
  const settings = loadSettings({ file: settingsFile, env: {} });

  const tokens = simulator.admin.issueTokens();
  const store = new FileTokenStore({ dir: tokenDir });
  const now = Date.now();
  await store.save(account, {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: new Date(now + 12 * 3600_000).toISOString(),
    obtainedAt: new Date(now).toISOString(),
  });

  const allegro = new AllegroClient({
    account,
    target: { baseUrl: simulator.url },
    clientId: simulator.clientId,
    clientSecret: simulator.clientSecret,
    userAgent: settings.allegro.userAgent,
    tokenStore: store,
  });
  const gateway = createOptimaGateway(settings, embeddedOptimaDrivers);
  let worker: RunningWorker | undefined;
  let wiring: WorkerWiring | undefined;

  return {
    dir,
    account,
    taskQueue,
    settingsFile,
    optimaFile,
    tokenDir,
    simulator,
    allegro,
    gateway,
    run: (argv, extra = {}) => cli(['--settings', settingsFile, ...argv], { cwd: dir, ...extra }),
    async startWorker() {
      const bundle = process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE;
      // The harness's connection installs the quiet (WARN) runtime logger before any worker exists.
      await testNativeConnection();
      // What `npm run worker` builds from the same settings, sharing this world's gateway.
      wiring = await wireWorker(settings, { cwd: dir, optima: gateway, settingsFile });
      worker = await startWorker({
        connection: wiring.connection,
        namespace: testNamespace(),
        taskQueue,
        activities: wiring.activities,
        ...(bundle ? { workflowBundle: { codePath: bundle } } : {}),
        ...(wiring.dataConverter ? { dataConverter: wiring.dataConverter } : {}),
      });
    },
    async close() {
      await worker?.shutdown();
      await wiring?.close();
      await allegro.close();
      await gateway.close();
      await simulator.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Repeats `fn` until it stops throwing (visibility and signals take a moment), then returns its value. */
export async function eventually<T>(fn: () => Promise<T>, waitMs = 30_000): Promise<T> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

/**
 * What a chaos run runs against: its own Temporal dev server keeping workflows in a database
 * file (so that it can be restarted), the Allegro simulator answering a share of API calls
 * with 503/429, an embedded Optima in files, a settings file and a seeded token for the worker
 * processes, and the workflow code bundled once for all of them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { stringify } from 'yaml';
import { FileTokenStore } from '../../activities/allegro/token-store';
import type { SettingsInput } from '../../config/settings';
import { startAllegroSimulator, type AllegroSimulator } from '../../dev/allegro-simulator';
import { DEMO_MAPPINGS } from '../../dev/demo-settings';
import { openEmbeddedOptima, RETAIL_PRICE_NUMBER } from '../../dev/embedded-optima';
import { dataConverterFromEnvironment } from '../../encryption/data-converter';
import { freePort, startDevServer, type DevServer } from '../../scripts/dev-server';
import type { ChaosOptions } from './options';

const USER_AGENT = 'allegro-optima-chaos/0.1.0 (+https://github.com/allegro-optima/allegro-optima)';

export interface ChaosWorld {
  dir: string;
  address: string;
  account: string;
  taskQueue: string;
  settingsFile: string;
  optimaFile: string;
  workflowBundle: string;
  simulator: AllegroSimulator;
  client: Client;
  /** Stops the dev server and starts it again on the same port and database file. */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

export async function createChaosWorld(options: ChaosOptions, log: (line: string) => void): Promise<ChaosWorld> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  };
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'allegro-optima-chaos-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const dbFile = path.join(dir, 'temporal.db');
    // Its own server whatever TEMPORAL_ADDRESS says: the run restarts it.
    const env = { ...process.env };
    delete env.TEMPORAL_ADDRESS;
    const startServer = () =>
      startDevServer({ port, uiPort: false, dbFile, startTimeoutMs: 120_000, locate: { env, log: () => undefined } });
    let server: DevServer = await startServer();
    cleanups.push(() => server.stop());

    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const dataConverter = dataConverterFromEnvironment(process.env);
    const client = new Client({ connection, ...(dataConverter ? { dataConverter } : {}) });

    const simulator = await startAllegroSimulator({ seed: options.seed });
    cleanups.push(() => simulator.close());
    if (options.allegroFaultRate > 0) {
      // The REST API only (not OAuth): half the faults are server errors, half rate limiting.
      // The second fault is tried only when the first missed: its chance is scaled so both come out even.
      const half = options.allegroFaultRate / 2;
      const api = /^\/(order|sale)\//;
      simulator.admin.setFault({ path: api, times: Infinity, probability: half, status: 503 });
      simulator.admin.setFault({ path: api, times: Infinity, probability: half / (1 - half), status: 429 });
    }

    const optimaFile = path.join(dir, 'optima.sqlite');
    openEmbeddedOptima({ file: optimaFile, seed: true }).close();

    const account = 'chaos-shop';
    const taskQueue = 'chaos-orders';
    const tokenDir = path.join(dir, 'tokens');
    const issued = simulator.admin.issueTokens();
    await new FileTokenStore({ dir: tokenDir }).save(account, {
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresAt: new Date(Date.now() + 12 * 3600_000).toISOString(),
      obtainedAt: new Date().toISOString(),
    });
    const settings: SettingsInput = {
      optima: { kind: 'embedded', file: optimaFile, operator: 'ADMIN' },
      allegro: {
        clientId: simulator.clientId,
        clientSecret: simulator.clientSecret,
        environment: 'simulator',
        simulatorUrl: simulator.url,
        userAgent: USER_AGENT,
        accounts: [{ name: account }],
        tokenStoreDir: tokenDir,
      },
      temporal: { address: server.address, namespace: server.namespace, taskQueue },
      mappings: DEMO_MAPPINGS,
      // The shortest licence wait the settings allow: a refused login is tried again soon.
      import: { newProduct: { priceTypeNumber: RETAIL_PRICE_NUMBER }, licenceRetryDelaySeconds: 5 },
      poller: { pageSize: options.pageSize },
      // Several workers on one machine: no metrics ports to fight over.
      metrics: { enabled: false },
    };
    const settingsFile = path.join(dir, 'settings.yaml');
    fs.writeFileSync(settingsFile, stringify(settings));

    // Bundled once here: a restarted worker is back in a second instead of bundling again.
    let workflowBundle = options.workflowBundlePath;
    if (!workflowBundle) {
      workflowBundle = path.join(dir, 'workflows.js');
      const { code } = await bundleWorkflowCode({
        workflowsPath: require.resolve('../../workflows'),
        logger: new DefaultLogger('WARN'),
      });
      fs.writeFileSync(workflowBundle, code);
    }
    log(`World: Temporal ${server.address} (database ${dbFile}), simulator ${simulator.url}, Optima ${optimaFile}`);

    return {
      dir,
      address: server.address,
      account,
      taskQueue,
      settingsFile,
      optimaFile,
      workflowBundle,
      simulator,
      client,
      async restartServer() {
        await server.stop();
        server = await startServer();
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

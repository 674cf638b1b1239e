/**
 * Everything the benchmark runs against, on this machine: a Temporal dev server (in memory,
 * headless; or the one named by TEMPORAL_ADDRESS / the caller), the Allegro simulator with a
 * per-call latency, an embedded Optima in files in a temp dir (rollback journal, fsync on
 * commit, as durable as the product runs it), a settings file and a seeded token for the
 * worker process, and read-only views of the Optima files to count documents.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client, Connection } from '@temporalio/client';
import workerPackage from '@temporalio/worker/package.json';
import { stringify } from 'yaml';
import { AllegroClient } from '../activities/allegro/client';
import { FileTokenStore, MemoryTokenStore } from '../activities/allegro/token-store';
import { loadSettings, type Settings, type SettingsInput } from '../config/settings';
import { dataConverterFromEnvironment } from '../encryption/data-converter';
import { startAllegroSimulator, type AllegroSimulator } from '../dev/allegro-simulator';
import { DEMO_MAPPINGS } from '../dev/demo-settings';
import { startNbpStandIn } from '../dev/nbp-rates';
import { embeddedOptimaFiles, openEmbeddedOptima, RETAIL_PRICE_NUMBER } from '../dev/embedded-optima';
import { startDevServer, type DevServer } from '../scripts/dev-server';
import { locateTemporal } from '../scripts/temporal-cli';

const USER_AGENT = 'allegro-optima-bench/0.1.0 (+https://github.com/allegro-optima/allegro-optima)';
const TOKEN_LIFETIME_MS = 12 * 3600_000;

export interface WorldOptions {
  latencyMs: number;
  /** The embedded Optima's commits wait for the disk (BenchOptions.optimaFsync). */
  optimaFsync: boolean;
  seed: number;
  /** An existing server (the tests' one); default: startDevServer (honours TEMPORAL_ADDRESS). */
  temporalAddress?: string;
  namespace?: string;
  log: (line: string) => void;
}

export interface BenchWorld {
  address: string;
  namespace: string;
  /** True when the server was not started by the benchmark. */
  externalServer: boolean;
  dir: string;
  account: string;
  taskQueue: string;
  settingsFile: string;
  settings: Settings;
  optimaFile: string;
  /** The worker process writes `<orderId> <epoch ms>` here per document created. */
  createdLog: string;
  simulator: AllegroSimulator;
  client: Client;
  /** The bench's own reader of the simulated Allegro (the event journal). */
  allegro: AllegroClient;
  /** Documents linked to orders in Optima now (AO.OrderDocuments); 0 before the worker made the table. */
  countDocuments: () => number;
  close(): Promise<void>;
}

export async function createBenchWorld(options: WorldOptions): Promise<BenchWorld> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        options.log(`cleanup failed: ${String(error)}`);
      }
    }
  };
  try {
    let server: DevServer | undefined;
    let address = options.temporalAddress;
    let namespace = options.namespace ?? 'default';
    if (!address) {
      server = await startDevServer({ port: 0, uiPort: false, locate: { log: (m) => options.log(`[temporal] ${m}`) } });
      cleanups.push(() => server?.stop());
      address = server.address;
      namespace = server.namespace;
    }
    const connection = await Connection.connect({ address });
    cleanups.push(() => connection.close());
    // The worker process encrypts when AO_CODEC_KEYS is set (wireWorker): the benchmark reads with the same keys.
    const dataConverter = dataConverterFromEnvironment(process.env);
    const client = new Client({ connection, namespace, ...(dataConverter ? { dataConverter } : {}) });

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'allegro-optima-bench-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const suffix = randomUUID().slice(0, 8);
    const account = `bench-${suffix}`;
    const taskQueue = `bench-${suffix}`;

    const simulator = await startAllegroSimulator({ seed: options.seed, latencyMs: options.latencyMs });
    cleanups.push(() => simulator.close());

    // The simulator's CZK, EUR and HUF orders take NBP rates from the stand-in.
    const nbp = await startNbpStandIn();
    cleanups.push(() => nbp.close());

    const optimaFile = path.join(dir, 'optima.sqlite');
    // Created and seeded here, so that the worker's start does not include the seeding.
    openEmbeddedOptima({ file: optimaFile, seed: true }).close();

    const tokenDir = path.join(dir, 'tokens');
    const settingsInput: SettingsInput = {
      optima: { kind: 'embedded', file: optimaFile, operator: 'ADMIN', fsync: options.optimaFsync },
      allegro: {
        clientId: simulator.clientId,
        clientSecret: simulator.clientSecret,
        environment: 'simulator',
        simulatorUrl: simulator.url,
        userAgent: USER_AGENT,
        accounts: [{ name: account }],
        tokenStoreDir: tokenDir,
      },
      temporal: { address, namespace, taskQueue },
      mappings: DEMO_MAPPINGS,
      rates: { nbpUrl: nbp.url },
      // The embedded Optima's retail price type, for the product cards the import creates.
      import: { newProduct: { priceTypeNumber: RETAIL_PRICE_NUMBER } },
    };
    const settingsFile = path.join(dir, 'settings.yaml');
    fs.writeFileSync(settingsFile, stringify(settingsInput));
    const settings = loadSettings({ file: settingsFile, env: {} });

    const now = Date.now();
    const token = (issued: { accessToken: string; refreshToken: string }) => ({
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresAt: new Date(now + TOKEN_LIFETIME_MS).toISOString(),
      obtainedAt: new Date(now).toISOString(),
    });
    await new FileTokenStore({ dir: tokenDir }).save(account, token(simulator.admin.issueTokens()));
    const allegro = new AllegroClient({
      account,
      target: { baseUrl: simulator.url },
      clientId: simulator.clientId,
      clientSecret: simulator.clientSecret,
      userAgent: USER_AGENT,
      tokenStore: new MemoryTokenStore({ [account]: token(simulator.admin.issueTokens()) }),
    });
    cleanups.push(() => allegro.close());

    // The integrator's own tables live in `<file>.ao` (dev/embedded-optima/driver.ts).
    const aoFile = `${embeddedOptimaFiles(optimaFile).company}.ao`;
    let ao: Database.Database | undefined;
    cleanups.push(() => {
      ao?.close();
    });
    const countDocuments = (): number => {
      try {
        ao ??= new Database(aoFile, { readonly: true, fileMustExist: true });
        return (ao.prepare('SELECT COUNT(*) AS n FROM OrderDocuments').get() as { n: number }).n;
      } catch {
        // Not created yet, or the writer holds the lock this instant: counted again next time.
        return 0;
      }
    };

    return {
      address,
      namespace,
      externalServer: server === undefined || server.external,
      dir,
      account,
      taskQueue,
      settingsFile,
      settings,
      optimaFile,
      createdLog: path.join(dir, 'created.log'),
      simulator,
      client,
      allegro,
      countDocuments,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Order documents in CDN.TraNag per Allegro order id (TrN_NumerObcy), read from the files
 * once the worker has stopped: a count above 1 is a duplicate.
 */
export function documentsPerOrder(optimaFile: string): Map<string, number> {
  const db = new Database(embeddedOptimaFiles(optimaFile).companyCdn, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        "SELECT TrN_NumerObcy AS orderId, COUNT(*) AS n FROM TraNag WHERE TrN_NumerObcy <> '' GROUP BY TrN_NumerObcy",
      )
      .all() as { orderId: string; n: number }[];
    return new Map(rows.map((row) => [row.orderId, row.n]));
  } finally {
    db.close();
  }
}

/** `<orderId> <epoch ms>` lines from the worker process: when each document was created. */
export function readCreatedLog(file: string): Map<string, number> {
  const created = new Map<string, number>();
  if (!fs.existsSync(file)) return created;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const [orderId, at] = line.split(' ');
    if (orderId && at) created.set(orderId, Number(at));
  }
  return created;
}

export interface Versions {
  node: string;
  temporalSdk: string;
  /** `temporal --version` of the CLI that runs the dev server; null for a server started elsewhere. */
  temporalCli: string | null;
  temporalServer: string | null;
}

export async function versions(world: BenchWorld): Promise<Versions> {
  let temporalCli: string | null = null;
  if (!world.externalServer) {
    const location = await locateTemporal({ log: () => undefined });
    if (location.kind === 'cli')
      temporalCli = execFileSync(location.binary, ['--version'], { encoding: 'utf8' }).trim();
  }
  let temporalServer: string | null = null;
  try {
    temporalServer = (await world.client.connection.workflowService.getSystemInfo({})).serverVersion ?? null;
  } catch {
    // Older servers or a proxy in between: the CLI version says enough.
  }
  return { node: process.version, temporalSdk: workerPackage.version, temporalCli, temporalServer };
}

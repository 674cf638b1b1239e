/**
 * Where the demo's Temporal comes from: TEMPORAL_ADDRESS (or a settings file's remote
 * address) is used as it is; a local address where something already listens is reused;
 * otherwise a dev server is started there, with its Web UI and a database file that keeps
 * every workflow across restarts.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Settings } from '../../config/settings';
import { ensureSearchAttributes, startDevServer } from '../../scripts/dev-server';
import { temporalConnectionOptions } from '../../config/connections';

export interface DemoTemporal {
  address: string;
  namespace: string;
  /** The Web UI, when known (a dev server the demo started, or one answering on the UI port). */
  uiUrl?: string;
  /** How it was found, for the start banner. */
  origin: string;
  stop(): Promise<void>;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  if (at < 0 || !Number.isInteger(port)) return { host: address, port: 7233 };
  return { host: address.slice(0, at), port };
}

/** True when something accepts TCP connections on host:port within a second. */
export function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: host === 'localhost' ? '127.0.0.1' : host.replace(/^\[|\]$/g, ''), port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function uiAnswers(url: string): Promise<boolean> {
  try {
    const answer = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return answer.ok;
  } catch {
    return false;
  }
}

/** Registers the search attributes on a server the demo did not start (idempotent). */
async function prepareExisting(settings: Settings, cwd: string, log: (line: string) => void): Promise<void> {
  const connection = await Connection.connect({ ...temporalConnectionOptions(settings, cwd), connectTimeout: '10s' });
  try {
    await ensureSearchAttributes(connection, settings.temporal.namespace);
  } catch (error) {
    // Temporal Cloud adds search attributes through its UI or tcld, not through this API.
    log(`Could not register the search attributes on ${settings.temporal.address}: ${(error as Error).message}`);
    log(
      'Register AllegroOrderId, AllegroAccount, OrderStatus and OptimaDocumentNumber (Keyword) there, or orders cannot be found by them.',
    );
  } finally {
    await connection.close();
  }
}

export async function ensureDemoTemporal(opts: {
  settings: Settings;
  /** TEMPORAL_ADDRESS was set: use that server, start nothing. */
  explicitAddress: boolean;
  uiPort: number;
  dataDir: string;
  cwd: string;
  log: (line: string) => void;
  /** The demo's codec server, for the Web UI of a dev server the demo starts. */
  uiCodecEndpoint?: string;
}): Promise<DemoTemporal> {
  const { settings, log } = opts;
  const { address, namespace } = settings.temporal;
  const { host, port } = splitAddress(address);
  const uiUrl = `http://localhost:${opts.uiPort}`;
  const nothingToStop = () => Promise.resolve();

  if (opts.explicitAddress || !LOCAL_HOSTS.has(host)) {
    await prepareExisting(settings, opts.cwd, log);
    return {
      address,
      namespace,
      origin: opts.explicitAddress ? 'TEMPORAL_ADDRESS' : 'the settings',
      stop: nothingToStop,
    };
  }
  if (await listening(host, port)) {
    await prepareExisting(settings, opts.cwd, log);
    return {
      // `listening` found it on IPv4; localhost may resolve to ::1 first, where nothing listens.
      address: host === 'localhost' ? `127.0.0.1:${port}` : address,
      namespace,
      ...((await uiAnswers(uiUrl)) ? { uiUrl } : {}),
      origin: 'already running here (reused)',
      stop: nothingToStop,
    };
  }
  const dbFile = path.join(opts.dataDir, 'temporal.sqlite');
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const server = await startDevServer({
    port,
    uiPort: opts.uiPort,
    dbFile,
    namespace,
    ...(opts.uiCodecEndpoint ? { uiCodecEndpoint: opts.uiCodecEndpoint } : {}),
    // scripts/ensure-temporal.ts already said which Temporal CLI it found.
    locate: { env: { ...process.env, TEMPORAL_ADDRESS: '' }, log: () => undefined },
  });
  return {
    address: server.address,
    namespace,
    uiUrl,
    origin: `dev server started by the demo (workflows kept in ${dbFile})`,
    stop: () => server.stop(),
  };
}

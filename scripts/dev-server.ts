/**
 * Starts `temporal server start-dev` (or uses the server named by TEMPORAL_ADDRESS) with the
 * project's search attributes registered, and stops it again. Used by `npm start`, the
 * benchmark and the jest global setup.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../domain/types';
import { locateTemporal, type LocateOptions } from './temporal-cli';

export interface DevServerOptions {
  /** Front-end gRPC port; 0 picks a free one. Default 7233. */
  port?: number;
  /** Web UI port; `false` runs headless. Default: port + 1000 (Temporal's convention, 8233). */
  uiPort?: number | false;
  /** SQLite file that keeps workflows across restarts; omitted = in memory, lost on stop. */
  dbFile?: string;
  /**
   * `--sqlite-pragma` values for dbFile. Default WAL with synchronous=NORMAL: durable across the
   * server's restarts and crashes (not the machine's), and without an fsync on every write,
   * which otherwise caps a dev server at ~40 workflow starts a second here, not the integrator.
   */
  sqlitePragmas?: string[];
  /** `--dynamic-config-value`s; default DEV_SERVER_DYNAMIC_CONFIG. */
  dynamicConfig?: Record<string, boolean | number | string>;
  /** Namespace to create and check (the `default` namespace always exists). Default `default`. */
  namespace?: string;
  /** Receives every server output line; by default output is kept only to explain a failed start. */
  log?: (line: string) => void;
  /** How long to wait for the server to answer. Default 60 s (CI machines are slow). */
  startTimeoutMs?: number;
  /** A codec server the Web UI calls to show decrypted payloads (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
  /** Passed to locateTemporal (tests inject env and a silent logger). */
  locate?: LocateOptions;
}

export interface DevServer {
  /** host:port of the front-end gRPC service. */
  address: string;
  namespace: string;
  /** Web UI address; undefined when headless or external. */
  uiUrl?: string;
  /** True when TEMPORAL_ADDRESS named an existing server and nothing was started. */
  external: boolean;
  /** Kills the server's process group and waits for it to exit; idempotent; no-op when external. */
  stop(): Promise<void>;
}

/** All project search attributes are Keyword. */
export const SEARCH_ATTRIBUTE_NAMES: readonly string[] = Object.values(SEARCH_ATTRIBUTES);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Registers the project's search attributes on `namespace` of an existing server (idempotent:
 * existing ones are left alone). Takes an open Connection or an address.
 */
export async function ensureSearchAttributes(target: Connection | string, namespace = 'default'): Promise<void> {
  const connection = typeof target === 'string' ? await Connection.connect({ address: target }) : target;
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const known = new Set([...Object.keys(existing.customAttributes), ...Object.keys(existing.systemAttributes)]);
    const missing = SEARCH_ATTRIBUTE_NAMES.filter((name) => !known.has(name));
    if (missing.length === 0) return;
    const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    try {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((name) => [name, keyword])),
      });
    } catch (error) {
      // Another process may have registered them between the list and the add.
      if (!/already exists/i.test(String(error))) throw error;
    }
  } finally {
    if (typeof target === 'string') await connection.close();
  }
}

/** Resolves once `address` serves `namespace` with the project's search attributes. */
async function waitUntilReady(address: string, namespace: string, deadline: number, exited: () => string | undefined) {
  let lastError: unknown;
  while (Date.now() < deadline) {
    const exit = exited();
    if (exit) throw new Error(exit);
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: '2s' });
      await connection.workflowService.describeNamespace({ namespace });
      const attributes = await connection.operatorService.listSearchAttributes({ namespace });
      const missing = SEARCH_ATTRIBUTE_NAMES.filter((name) => !(name in attributes.customAttributes));
      if (missing.length === 0) return;
      lastError = new Error(`search attributes not registered yet: ${missing.join(', ')}`);
    } catch (error) {
      lastError = error;
    } finally {
      await connection?.close();
    }
    await sleep(250);
  }
  throw new Error(`Temporal at ${address} did not become ready in time: ${String(lastError)}`);
}

const DB_FILE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

/**
 * What a dev server changes from the CLI's defaults, as a production cluster would have it:
 * - the CLI reads search attributes from the database on every use, so that ones added at run
 *   time show at once; ours are registered as the server starts (`--search-attribute`), and
 *   the reads cost the server CPU on every order's start and upsert;
 * - eager activities: a workflow task that schedules an activity on its own queue gets the
 *   activity task in its reply, when the worker has a free slot, without a trip through
 *   matching (Temporal's `system.enableActivityEagerExecution`, off by default);
 * - the history shard reads its new tasks (a workflow task after an activity, an activity to
 *   match) at most 20 times a second by default: each step of an order then waited ~35 ms
 *   before a worker got it, on an idle server too. A dev server has one shard.
 * - a timer is never due sooner than 1 s after the shard last read its timers (a margin for
 *   the clocks of a cluster's hosts; a dev server has one clock), and the shard reads its timers
 *   at most 20 times a second: on a busy server a timer shorter than 1 s fired ~1 s after it
 *   was set, and a 1 s poll ran every ~1.08 s. With both: on time within 5 ms, every ~1.03 s.
 * - a task queue has 4 partitions by default, for a cluster's many matching hosts; a dev server
 *   has one. A task that finds no poller waiting on its partition waits there for one: in a
 *   chaos run a dispatch part sat 10 s while a worker with free slots long-polled the others.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, boolean | number | string>> = {
  'system.forceSearchAttributesCacheRefreshOnRead': false,
  'system.enableActivityEagerExecution': true,
  'history.transferProcessorMaxPollRPS': 1000,
  'history.timerProcessorMaxTimeShift': '10ms',
  'history.timerProcessorMaxPollRPS': 1000,
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
};

/** The `temporal` CLI's arguments for a dev server on `port` (and the Web UI on `uiPort`, if any). */
export function devServerArgs(options: DevServerOptions, port: number, uiPort: number | undefined): string[] {
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port)];
  args.push(...(uiPort === undefined ? ['--headless'] : ['--ui-port', String(uiPort)]));
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  if (options.dbFile) {
    for (const pragma of options.sqlitePragmas ?? DB_FILE_PRAGMAS) args.push('--sqlite-pragma', pragma);
  }
  for (const [key, value] of Object.entries(options.dynamicConfig ?? DEV_SERVER_DYNAMIC_CONFIG))
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  if (options.uiCodecEndpoint && uiPort !== undefined) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (namespace !== 'default') args.push('--namespace', namespace);
  for (const name of SEARCH_ATTRIBUTE_NAMES) args.push('--search-attribute', `${name}=Keyword`);
  return args;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const namespace = options.namespace ?? 'default';
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  const location = await locateTemporal(options.locate);

  if (location.kind === 'external') {
    await ensureSearchAttributes(location.address, namespace);
    return { address: location.address, namespace, external: true, stop: () => Promise.resolve() };
  }

  const port = options.port === 0 ? await freePort() : (options.port ?? 7233);
  const uiPort = options.uiPort === false ? undefined : (options.uiPort ?? port + 1000);
  const args = devServerArgs(options, port, uiPort);

  // Own process group, so stop() also reaches anything the CLI spawns.
  const child = spawn(location.binary, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      options.log?.(line);
      output.push(line);
      if (output.length > 40) output.shift();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  let exitDescription: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on('error', (error) => {
      exitDescription = `could not run ${location.binary}: ${error.message}`;
      resolve();
    });
    child.on('exit', (code, signal) => {
      exitDescription = `temporal server start-dev exited (${signal ?? `code ${String(code)}`})`;
      resolve();
    });
  });

  const killGroup = (signal: NodeJS.Signals): void => {
    if (exitDescription !== undefined || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  // The server has its own process group, so a Ctrl-C does not reach it: when the owner exits
  // without calling stop(), or dies of a signal it does not handle, the server goes too.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onExit = (): void => killGroup('SIGTERM');
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return; // the owner handles it (and exits later: onExit)
    killGroup('SIGTERM');
    removeListeners();
    process.kill(process.pid, signal); // default action again: exit as if we had not listened
  };
  const removeListeners = (): void => {
    process.removeListener('exit', onExit);
    for (const signal of signals) process.removeListener(signal, onSignal);
  };
  process.once('exit', onExit);
  for (const signal of signals) process.on(signal, onSignal);

  const stop = async (): Promise<void> => {
    removeListeners();
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  const address = `127.0.0.1:${port}`;
  try {
    await waitUntilReady(address, namespace, deadline, () =>
      exitDescription === undefined ? undefined : `${exitDescription}:\n${output.join('\n')}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    address,
    namespace,
    uiUrl: uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`,
    external: false,
    stop,
  };
}

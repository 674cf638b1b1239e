import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import {
  devServerArgs,
  ensureSearchAttributes,
  SEARCH_ATTRIBUTE_NAMES,
  startDevServer,
} from '../../scripts/dev-server';
import { cachedCliPath, locateTemporal, TemporalUnavailableError } from '../../scripts/temporal-cli';
import {
  completedActivityTypes,
  runWorker,
  testAddress,
  testClient,
  testConnection,
  uniqueName,
} from '../harness/temporal';
import {
  DOCUMENT_NUMBER_KEY,
  importStandInOrder,
  ORDER_ID_KEY,
  type StandInActivities,
  type StandInOrder,
} from './workflows';

const silent = (): void => undefined;

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'foundation-'));
  tempDirs.push(dir);
  return dir;
}

function writeScript(file: string, body: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\nPATH=/usr/bin:/bin\n${body}\n`, { mode: 0o755 });
}

function portAcceptsConnections(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the shared Temporal dev server', () => {
  it('runs a workflow whose activities show in its history', async () => {
    console.log(`Temporal server under test: ${testAddress()}`);
    const client = await testClient();
    const taskQueue = uniqueName('foundation');
    const orderId = uniqueName('order');
    const attempts = new Map<string, number>();
    const activities: StandInActivities = {
      fetchOrder(id) {
        const attempt = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, attempt);
        // The first attempt fails so the server's retry policy is exercised too.
        if (attempt === 1) throw ApplicationFailure.retryable('simulated outage', 'TransientError');
        return Promise.resolve({ id, totalMinor: id.length * 100 });
      },
      writeDocument(order: StandInOrder) {
        return Promise.resolve(`RO ${order.id}/${order.totalMinor}`);
      },
    };

    const handle = await runWorker(
      { taskQueue, activities, workflowsPath: require.resolve('./workflows') },
      async () => {
        const started = await client.workflow.start(importStandInOrder, {
          taskQueue,
          workflowId: uniqueName('import'),
          args: [orderId],
          typedSearchAttributes: [{ key: ORDER_ID_KEY, value: orderId }],
        });
        expect(await started.result()).toEqual({
          documentNumber: `RO ${orderId}/${orderId.length * 100}`,
          totalMinor: orderId.length * 100,
        });
        return started;
      },
    );

    expect(attempts.get(orderId)).toBe(2);
    expect(await completedActivityTypes(handle)).toEqual(['fetchOrder', 'writeDocument']);
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(ORDER_ID_KEY)).toBe(orderId);
    expect(description.typedSearchAttributes.get(DOCUMENT_NUMBER_KEY)).toBe(`RO ${orderId}/${orderId.length * 100}`);
  });

  it('has every project search attribute registered', async () => {
    const connection = await testConnection();
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(customAttributes)).toEqual(expect.arrayContaining([...SEARCH_ATTRIBUTE_NAMES]));
  });

  it('ensureSearchAttributes adds missing ones to an existing server and tolerates a second call', async () => {
    const connection = await testConnection();
    const namespace = uniqueName('ns');
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    await ensureSearchAttributes(testAddress(), namespace);
    await ensureSearchAttributes(connection, namespace);
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.keys(customAttributes)).toEqual(expect.arrayContaining([...SEARCH_ATTRIBUTE_NAMES]));
  });

  it('startDevServer starts nothing when TEMPORAL_ADDRESS names a server', async () => {
    const server = await startDevServer({ locate: { env: { TEMPORAL_ADDRESS: testAddress() }, log: silent } });
    expect(server).toMatchObject({ address: testAddress(), external: true });
    expect(server.uiUrl).toBeUndefined();
    await server.stop();
    expect(await portAcceptsConnections(testAddress())).toBe(true);
  });

  it('a dev server reads new tasks and timers without the 20-a-second cap and fires short timers on time, dispatches eager activities, has one partition a task queue, caches search attributes; a file database runs in WAL', () => {
    const values = (args: string[]) =>
      args.flatMap((arg, i) => (args[i - 1] === '--dynamic-config-value' ? [arg] : []));
    expect(values(devServerArgs({}, 7233, undefined))).toEqual([
      'system.forceSearchAttributesCacheRefreshOnRead=false',
      'system.enableActivityEagerExecution=true',
      'history.transferProcessorMaxPollRPS=1000',
      'history.timerProcessorMaxTimeShift="10ms"',
      'history.timerProcessorMaxPollRPS=1000',
      'matching.numTaskqueueReadPartitions=1',
      'matching.numTaskqueueWritePartitions=1',
    ]);
    expect(values(devServerArgs({ dynamicConfig: {} }, 7233, undefined))).toEqual([]);
    const withFile = devServerArgs({ dbFile: 'x.db' }, 7233, 8233);
    expect(withFile.join(' ')).toContain('--sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal');
    expect(withFile.join(' ')).toContain('--ui-port 8233');
  });

  it('startDevServer persists to dbFile and stop() leaves nothing listening', async () => {
    const dbFile = path.join(tempDir(), 'temporal.sqlite');
    const server = await startDevServer({ port: 0, uiPort: false, dbFile, locate: { log: silent } });
    try {
      expect(server.external).toBe(false);
      expect(await portAcceptsConnections(server.address)).toBe(true);
      expect(fs.existsSync(dbFile)).toBe(true);
    } finally {
      await server.stop();
    }
    expect(await portAcceptsConnections(server.address)).toBe(false);
  });
});

describe('locateTemporal', () => {
  const noGo = '/nonexistent/go';

  it('uses TEMPORAL_ADDRESS as is, even with a CLI on the PATH', async () => {
    const bin = tempDir();
    writeScript(path.join(bin, 'temporal'), 'exit 0');
    const env = { TEMPORAL_ADDRESS: 'temporal.example:7233', PATH: bin, HOME: tempDir() };
    expect(await locateTemporal({ env, goFallback: noGo, log: silent })).toEqual({
      kind: 'external',
      address: 'temporal.example:7233',
    });
  });

  it('prefers a temporal CLI on the PATH', async () => {
    const bin = tempDir();
    writeScript(path.join(bin, 'temporal'), 'exit 0');
    const env = { PATH: bin, HOME: tempDir() };
    expect(await locateTemporal({ env, goFallback: noGo, log: silent })).toEqual({
      kind: 'cli',
      binary: path.join(bin, 'temporal'),
      origin: 'path',
    });
  });

  it('reuses the cached build keyed by version under XDG_CACHE_HOME', async () => {
    const env = { PATH: tempDir(), XDG_CACHE_HOME: tempDir() };
    writeScript(cachedCliPath(env), 'exit 0');
    expect(cachedCliPath(env)).toBe(path.join(env.XDG_CACHE_HOME, 'allegro-optima/temporal-cli-v1.5.1/temporal'));
    expect(await locateTemporal({ env, goFallback: noGo, log: silent })).toEqual({
      kind: 'cli',
      binary: cachedCliPath(env),
      origin: 'cache',
    });
  });

  it('builds the CLI with go install into the cache, leaving no partial build behind', async () => {
    const bin = tempDir();
    const argsFile = path.join(tempDir(), 'args');
    writeScript(
      path.join(bin, 'go'),
      `echo "$@" > '${argsFile}'\nprintf '#!/bin/sh\\n' > "$GOBIN/temporal"\nchmod +x "$GOBIN/temporal"`,
    );
    const env = { PATH: bin, HOME: tempDir() };
    const messages: string[] = [];
    const location = await locateTemporal({ env, goFallback: noGo, log: (m) => messages.push(m) });
    expect(location).toEqual({ kind: 'cli', binary: cachedCliPath(env), origin: 'built' });
    expect(fs.readFileSync(argsFile, 'utf8').trim()).toBe('install github.com/temporalio/cli/cmd/temporal@v1.5.1');
    expect(fs.readdirSync(path.dirname(cachedCliPath(env)))).toEqual(['temporal']);
    expect(messages[0]).toBe('Building the Temporal CLI v1.5.1 with Go (first time only, takes a few minutes)…');
    expect(messages[messages.length - 1]).toMatch(/^Built the Temporal CLI in \d+ s: /);
  });

  it('finds Go in its standard folder when it is not on the PATH', async () => {
    const go = path.join(tempDir(), 'go');
    writeScript(go, `printf '#!/bin/sh\\n' > "$GOBIN/temporal"\nchmod +x "$GOBIN/temporal"`);
    const env = { PATH: tempDir(), HOME: tempDir() };
    expect(await locateTemporal({ env, goFallback: go, log: silent })).toMatchObject({ origin: 'built' });
  });

  it('reports a failed build and caches nothing', async () => {
    const bin = tempDir();
    writeScript(path.join(bin, 'go'), 'echo "go: network unreachable" >&2\nexit 1');
    const env = { PATH: bin, HOME: tempDir() };
    await expect(locateTemporal({ env, goFallback: noGo, log: silent })).rejects.toThrow(/go: network unreachable/);
    expect(fs.readdirSync(path.dirname(cachedCliPath(env)))).toEqual([]);
  });

  it('without Go, a CLI or TEMPORAL_ADDRESS says exactly what to install or set', async () => {
    const env = { PATH: tempDir(), HOME: tempDir() };
    const error: unknown = await locateTemporal({ env, goFallback: noGo, log: silent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemporalUnavailableError);
    const { message } = error as TemporalUnavailableError;
    console.log(`Message for a user without Go:\n${message}`);
    expect(message).toContain('install Go >= 1.22 (https://go.dev/dl/)');
    expect(message).toContain('install the `temporal` CLI');
    expect(message).toContain('set TEMPORAL_ADDRESS=host:7233');
    expect(message).toContain(cachedCliPath(env));
  });
});

/**
 * A worker started while Temporal is unreachable waits for it with a growing pause and says
 * so on each attempt; once the server answers it starts as usual (issue 15, item 6).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEMO_SETTINGS } from '../../dev/demo-settings';
import { freePort } from '../../scripts/dev-server';
import { connectWithRetry } from '../../worker/connect';
import { COMPILED_WORKER } from '../../worker/start';
import { testAddress, testNamespace, uniqueName } from '../harness/temporal';
import { eventually } from './env';

const ROOT = path.resolve(__dirname, '../..');

describe('connectWithRetry', () => {
  it('doubles the pause up to the cap, reports each failure and returns the connection', async () => {
    const pauses: number[] = [];
    const reported: number[] = [];
    let calls = 0;
    const connection = await connectWithRetry(
      async () => {
        if (++calls < 6) throw new Error(`refused ${calls}`);
        return 'connected';
      },
      {
        initialDelayMs: 100,
        maxDelayMs: 500,
        sleep: async (ms) => void pauses.push(ms),
        onRetry: ({ attempt }) => void reported.push(attempt),
      },
    );
    expect(connection).toBe('connected');
    expect(pauses).toEqual([100, 200, 400, 500, 500]);
    expect(reported).toEqual([1, 2, 3, 4, 5]);
  });

  it('gives up with the last error once giveUpAfterMs would be passed', async () => {
    let calls = 0;
    await expect(
      connectWithRetry(
        async () => {
          throw new Error(`refused ${++calls}`);
        },
        { initialDelayMs: 1, giveUpAfterMs: 50, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
      ),
    ).rejects.toThrow(/refused \d+/);
    expect(calls).toBeGreaterThan(1);
  });
});

describe('npm run worker before Temporal is reachable', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let proxy: net.Server | undefined;
  const sockets: net.Socket[] = [];

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('retries with backoff, says so, and starts once the server answers', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-waits-'));
    // Temporal is reached through a port nothing listens on yet; later a proxy to the run's server opens there.
    const port = await freePort();
    const settingsFile = path.join(dir, 'settings.yaml');
    fs.writeFileSync(
      settingsFile,
      JSON.stringify({
        optima: { kind: 'embedded', file: path.join(dir, 'optima.sqlite') },
        allegro: {
          clientId: 'client',
          clientSecret: 'secret',
          environment: 'simulator',
          simulatorUrl: 'http://127.0.0.1:9',
          userAgent: 'allegro-optima-tests/0.1 (+https://github.com/allegro-optima/allegro-optima)',
          accounts: [{ name: 'shop' }],
          tokenStoreDir: path.join(dir, 'tokens'),
        },
        temporal: { address: `127.0.0.1:${port}`, namespace: testNamespace(), taskQueue: uniqueName('waits') },
        mappings: DEMO_SETTINGS.mappings,
      }),
    );
    const env = { ...process.env };
    for (const name of Object.keys(env)) {
      if ((name.startsWith('AO_') && !name.startsWith('AO_CODEC_')) || name.startsWith('TEMPORAL_')) delete env[name];
    }
    const bundle = process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE;
    if (!bundle) throw new Error('no shared workflow bundle');
    const started = spawn(
      process.execPath,
      [COMPILED_WORKER, 'starter/worker.ts', '--settings', settingsFile, '--workflow-bundle', bundle],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    let output = '';
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => started.on('exit', (code) => resolve(code)));

    const retries = () => [...output.matchAll(/not reachable \(attempt (\d+).*retrying in ([\d.]+) s/g)];
    await eventually(() => (retries().length >= 2 ? true : undefined), `two retry lines (output: ${output})`, 60_000);
    expect(started.exitCode).toBeNull();
    const pauses = retries().map((m) => Number(m[2]));
    expect(pauses[1]).toBeGreaterThan(pauses[0]);
    expect(output).not.toMatch(/worker running/);

    const [host, targetPort] = testAddress().split(':');
    proxy = net.createServer((socket) => {
      const upstream = net.connect(Number(targetPort), host);
      sockets.push(socket, upstream);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => proxy?.listen(port, '127.0.0.1', resolve));

    await eventually(
      () => (/worker running/.test(output) ? true : undefined),
      `the worker to start (output: ${output})`,
      90_000,
    );
    started.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 180_000);
});

/**
 * Starts bench/worker-process.ts as a child process (compiled, as `npm run worker` runs),
 * times spawn → ready line, samples its resident memory, and asks it for its CPU time and
 * event-loop delay over an IPC channel.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { compileWorker } from '../scripts/compiled-worker.cjs';
import { COMPILED_WORKER, WORKER_NODE_FLAGS } from '../worker/start';
import { readMemory, type MemoryReading } from './proc';
import { READY_LINE, STATS_REQUEST, type WorkerProcessConfig, type WorkerStats } from './worker-protocol';

const REPO_ROOT = path.resolve(__dirname, '..');
const SCRIPT = path.join(__dirname, 'worker-process.ts');
const SAMPLE_EVERY_MS = 200;

export interface BenchWorker {
  pid: number;
  /** Process spawn → the ready line (workers created and polling). */
  startToReadyMs: number;
  /** Memory when it became ready (the peak so far is the workflow bundling at start). */
  atReady: MemoryReading | null;
  memory(): MemoryReading | null;
  /** CPU used so far and the event-loop delay since the previous call (asked over IPC). */
  stats(): Promise<WorkerStats>;
  /** The highest VmRSS sampled since the previous call (or the start): the peak of one phase. */
  takePhasePeakMb(): number | null;
  /** SIGTERM (graceful: running tasks finish), then waits for the exit; the last memory reading. */
  stop(): Promise<MemoryReading | null>;
}

export async function spawnBenchWorker(
  config: WorkerProcessConfig,
  options: { readyTimeoutMs?: number; cpuProfileDir?: string } = {},
): Promise<BenchWorker> {
  // Compiled before the clock starts: `npm install` compiles it too, so a start does not.
  await compileWorker(SCRIPT);
  const spawnedAt = performance.now();
  // A CPU profile of the main thread, written when the process exits (node --cpu-prof).
  const profile = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [];
  const child = spawn(
    process.execPath,
    [...WORKER_NODE_FLAGS, ...profile, COMPILED_WORKER, SCRIPT, JSON.stringify(config)],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  const { pid, stdout, stderr: errors } = child;
  if (pid === undefined || !stdout || !errors) throw new Error('could not start the benchmark worker process');

  const stderr: string[] = [];
  errors.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString());
    if (stderr.length > 50) stderr.shift();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const readyMs = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => fail(`not ready after ${options.readyTimeoutMs ?? 180_000} ms`),
      options.readyTimeoutMs ?? 180_000,
    );
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`benchmark worker (${config.mode}) ${why}:\n${stderr.join('').slice(-4000)}`));
    };
    stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      if (buffered.includes(READY_LINE)) {
        clearTimeout(timer);
        resolve(performance.now() - spawnedAt);
      }
    });
    child.once('exit', (code, signal) => fail(`exited before it was ready (${signal ?? `code ${String(code)}`})`));
  });

  let phasePeak = 0;
  const sampler = setInterval(() => {
    const reading = readMemory(pid);
    if (reading) phasePeak = Math.max(phasePeak, reading.rssMb);
  }, SAMPLE_EVERY_MS);
  sampler.unref();

  return {
    pid,
    startToReadyMs: readyMs,
    atReady: readMemory(pid),
    memory: () => readMemory(pid),
    stats: () =>
      new Promise<WorkerStats>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.off('message', onMessage);
          reject(new Error(`benchmark worker (${config.mode}) did not answer a stats request`));
        }, 10_000);
        const onMessage = (message: unknown) => {
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(message as WorkerStats);
        };
        child.on('message', onMessage);
        child.send(STATS_REQUEST);
      }),
    takePhasePeakMb() {
      const now = readMemory(pid);
      const peak = Math.max(phasePeak, now?.rssMb ?? 0);
      phasePeak = 0;
      return peak > 0 ? peak : null;
    },
    async stop() {
      clearInterval(sampler);
      const last = readMemory(pid);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(killer);
      }
      return last;
    },
  };
}

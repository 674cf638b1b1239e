/**
 * The chaos run's worker processes: `chaos/worker.ts` (npm run worker with licence refusals)
 * started compiled as `npm run worker` is, each with its output in a file of the run's
 * directory; any of them can be SIGKILLed and started again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { compileWorker } from '../../scripts/compiled-worker.cjs';
import { COMPILED_WORKER, WORKER_NODE_FLAGS } from '../../worker/start';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(__dirname, 'worker.ts');

export interface WorkerPool {
  /** Starts the n workers and waits until each says it runs. */
  start(): Promise<void>;
  /** SIGKILLs worker `index` (no graceful anything) and starts a fresh process in its place. */
  killAndRestart(index: number, pauseMs: number): Promise<void>;
  /** SIGTERM to all, waiting for their exit. */
  stop(): Promise<void>;
}

export function workerPool(config: {
  count: number;
  settingsFile: string;
  workflowBundle: string;
  licenceRefusalRate: number;
  dir: string;
  log: (line: string) => void;
}): WorkerPool {
  const children: (ChildProcess | undefined)[] = Array.from({ length: config.count }, () => undefined);
  let generation = 0;

  const spawnOne = async (index: number): Promise<void> => {
    const env: NodeJS.ProcessEnv = { ...process.env, CHAOS_LICENCE_REFUSAL_RATE: String(config.licenceRefusalRate) };
    // The settings file alone says where things are.
    for (const name of Object.keys(env)) if (name.startsWith('TEMPORAL_') || name === 'AO_CONFIG') delete env[name];
    const logFile = path.join(config.dir, `worker-${index}-${++generation}.log`);
    const out = fs.openSync(logFile, 'a');
    const child = spawn(
      process.execPath,
      [
        ...WORKER_NODE_FLAGS,
        COMPILED_WORKER,
        SCRIPT,
        '--settings',
        config.settingsFile,
        '--workflow-bundle',
        config.workflowBundle,
        '--max-workflow-tasks',
        '20',
        '--max-activities',
        '50',
        '--max-allegro-activities',
        '50',
      ],
      { cwd: REPO_ROOT, env, stdio: ['ignore', out, 'pipe'] },
    );
    fs.closeSync(out);
    children[index] = child;
    let errors = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${index} not running after 180 s: ${errors}`)), 180_000);
      child.stderr?.on('data', (chunk: Buffer) => {
        errors = (errors + chunk.toString()).slice(-4000);
        fs.appendFileSync(logFile, chunk);
        if (/worker running/.test(errors)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`worker ${index} exited (${signal ?? code}) before running: ${errors}`));
      });
    });
    child.removeAllListeners('exit');
    config.log(`worker ${index} running (pid ${child.pid})`);
  };

  const exit = (child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> =>
    new Promise((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });

  return {
    async start() {
      // Once, before they start together (npm install compiled it already, unless it changed).
      await compileWorker(SCRIPT);
      await Promise.all(children.map((_, index) => spawnOne(index)));
    },
    async killAndRestart(index, pauseMs) {
      config.log(`SIGKILL worker ${index} (pid ${children[index]?.pid})`);
      await exit(children[index], 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      await spawnOne(index);
    },
    async stop() {
      await Promise.all(children.map((child) => exit(child, 'SIGTERM')));
    },
  };
}

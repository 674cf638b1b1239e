/**
 * The SDK's deadlock guard (a watchdog thread on every call into the workflow sandbox) is off by
 * default and on with `workflowDeadlockGuard` (patches/@temporalio+worker+*.patch, worker/start.ts):
 * a workflow task that keeps the workflow code busy for ~8 s completes without it, and fails
 * after 5 s with it. Real worker processes: jest sandboxes process.env, which the workflow
 * threads do not see.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { testAddress, testClient, testNamespace, uniqueName } from '../harness/temporal';

const ROOT = path.resolve(__dirname, '../..');

async function startSpinWorker(guard: boolean) {
  const taskQueue = uniqueName('spin');
  const config = JSON.stringify({ address: testAddress(), namespace: testNamespace(), taskQueue, guard });
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/worker/fixtures/spin-worker.ts', config], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const perSecond = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /ready (\d+)/.exec(out);
      if (ready) resolve(Number(ready[1]));
    });
    void exited.then((code) => reject(new Error(`spin worker exited (${code}): ${stderr}`)));
  });
  return { taskQueue, perSecond, child, exited };
}

/** Starts a workflow whose one task spins for ~8 s, and returns how its first task ended. */
async function spinEightSeconds(guard: boolean): Promise<{ completed: boolean; taskFailure?: string }> {
  const worker = await startSpinWorker(guard);
  try {
    const client = await testClient();
    const handle = await client.workflow.start('spin', {
      taskQueue: worker.taskQueue,
      workflowId: uniqueName('spin'),
      args: [worker.perSecond * 8],
      // Longer than the spin: the server must not time the task out first.
      workflowTaskTimeout: '60 seconds',
    });
    // Whichever comes first: the result, or a failed task in the history (the guard retries it forever).
    const failedTask = async () => {
      for (;;) {
        const history = await handle.fetchHistory();
        const failed = history.events?.find((e) => e.workflowTaskFailedEventAttributes);
        if (failed) return failed.workflowTaskFailedEventAttributes?.failure?.message ?? '';
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    };
    const outcome = await Promise.race([handle.result().then(() => 'completed' as const), failedTask()]);
    if (outcome === 'completed') return { completed: true };
    await handle.terminate('test done');
    return { completed: false, taskFailure: outcome };
  } finally {
    worker.child.kill('SIGTERM');
    await worker.exited;
  }
}

test('without the deadlock guard (the default) a long workflow task completes', async () => {
  expect(await spinEightSeconds(false)).toEqual({ completed: true });
}, 90_000);

test('with workflowDeadlockGuard a workflow task busy for over 5 s fails', async () => {
  const outcome = await spinEightSeconds(true);
  expect(outcome.completed).toBe(false);
  expect(outcome.taskFailure).toMatch(/timed out|deadlock/i);
}, 90_000);

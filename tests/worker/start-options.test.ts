/**
 * What startWorker gives the main worker (the one running order workflows) unless tuned: a cache
 * that holds a 2,000-order backlog under the heap ceiling, and as many polls on the shared task
 * queue (where every new order's first task waits) as on its own sticky one.
 */
import { NativeConnection } from '@temporalio/worker';
import { ALLEGRO_ACTIVITIES, type Activities } from '../../activities';
import { DEFAULT_MAX_CACHED_WORKFLOWS, NON_STICKY_POLL_RATIO, startWorker } from '../../worker/start';
import { testAddress, testNamespace, uniqueName } from '../harness/temporal';

test('the main worker caches 2,000 workflows and polls the shared queue as much as its sticky one', async () => {
  const codePath = process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('no shared workflow bundle');
  const connection = await NativeConnection.connect({ address: testAddress() });
  const noop = async (): Promise<void> => undefined;
  const activities = Object.fromEntries(ALLEGRO_ACTIVITIES.map((name) => [name, noop])) as unknown as Activities;
  const running = await startWorker({
    connection,
    namespace: testNamespace(),
    taskQueue: uniqueName('options'),
    activities,
    workflowBundle: { codePath },
  });
  try {
    const [main, , poller] = running.workers;
    expect(DEFAULT_MAX_CACHED_WORKFLOWS).toBe(2000);
    expect(main.options.maxCachedWorkflows).toBe(DEFAULT_MAX_CACHED_WORKFLOWS);
    expect(NON_STICKY_POLL_RATIO).toBe(1);
    expect(main.options.nonStickyToStickyPollRatio).toBe(NON_STICKY_POLL_RATIO);
    // The pollers' own worker keeps its small cache.
    expect(poller.options.maxCachedWorkflows).toBe(50);
  } finally {
    await running.shutdown();
    await connection.close();
  }
});

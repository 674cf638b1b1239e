/**
 * Order journey 3 (ORDER_JOURNEY in workflows/definitions.ts): the first read of a dispatched
 * order decides with the rules its dispatch read, and products and contractor are matched in
 * Optima side by side. Each a round trip less before the document.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { orderRulesOf, versioned } from '../../activities/policy';
import { DEMO_SETTINGS } from '../../dev/demo-settings';
import {
  allegroTaskQueue,
  orderEventSignal,
  orderWorkflowId,
  type ImportOrderInput,
} from '../../workflows/definitions';
import {
  documentsOf,
  eventually,
  progressWhen,
  replayRunsOfThisFile,
  startEnv,
  startOrder,
  startPoller,
  statusWhen,
  type TestEnv,
} from './env';
import { localActivityTypes } from '../harness/temporal';

let env: TestEnv | undefined;
let dir: string | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The task queue of each fetchOrder the run scheduled. */
async function fetchQueues(handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> }): Promise<string[]> {
  const events = ((await handle.fetchHistory()).events ?? []) as {
    activityTaskScheduledEventAttributes?: { activityType?: { name?: string }; taskQueue?: { name?: string } };
  }[];
  return events.flatMap(({ activityTaskScheduledEventAttributes: scheduled }) =>
    scheduled?.activityType?.name === 'fetchOrder' ? [scheduled.taskQueue?.name ?? '?'] : [],
  );
}

describe('order journey 3', () => {
  test('a dispatched order decides its first read with the rules its dispatch read: no loadOrderRules of its own; one started without them loads them', async () => {
    const opened = await startEnv();
    env = opened;
    // The poller reads the settings by reference, as `allegro-optima poller start` runs it.
    const poller = await startPoller(opened, { policy: undefined });
    await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    const dispatchedId = opened.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const dispatched = opened.client.workflow.getHandle(orderWorkflowId(opened.account, dispatchedId));
    expect(await eventually(() => dispatched.result(), 'the dispatched order')).toMatchObject({ status: 'Imported' });
    await poller.terminate('test done');
    expect(await localActivityTypes(dispatched)).not.toContain('loadOrderRules');
    // From a short page: its first read ran on its own queue (eagerly), not through the Allegro queue.
    expect(await fetchQueues(dispatched)).toEqual([opened.taskQueue]);

    const startedId = opened.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const started = await startOrder(opened, startedId, { policy: undefined });
    expect(await started.result()).toMatchObject({ status: 'Imported' });
    expect((await localActivityTypes(started)).slice(0, 1)).toEqual(['loadOrderRules']);
    expect(await fetchQueues(started)).toEqual([allegroTaskQueue(opened.taskQueue)]);
    expect(documentsOf(opened, [dispatchedId, startedId])).toHaveLength(2);
  });

  test("the first read follows the start's rules; the next read loads the settings in force", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-journey-'));
    const settingsFile = path.join(dir, 'settings.yaml');
    // The settings import from FILLED_IN; the rules the order starts with say READY_FOR_PROCESSING.
    fs.writeFileSync(
      settingsFile,
      stringify({ ...DEMO_SETTINGS, import: { ...DEMO_SETTINGS.import, stage: 'FILLED_IN' } }),
    );
    const opened = await startEnv({ settingsFile });
    env = opened;
    const orderId = opened.simulator.admin.addOrder({ status: 'FILLED_IN' });
    const input: Partial<ImportOrderInput> = {
      policy: undefined,
      rules: orderRulesOf(versioned({ ...opened.policy, stage: 'READY_FOR_PROCESSING' })),
    };
    const handle = await startOrder(opened, orderId, input);
    const waiting = await progressWhen(handle, (p) => p.status === 'Waiting', 'the first read to wait');
    expect(waiting.reason).toBe('the order is FILLED_IN; imported from READY_FOR_PROCESSING');

    // Any event wakes it: this read loads the settings, which import FILLED_IN orders.
    await handle.signal(orderEventSignal, { eventId: 'e2', type: 'BOUGHT', occurredAt: new Date().toISOString() });
    expect(await handle.result()).toMatchObject({ status: 'Imported' });
    expect(await localActivityTypes(handle)).toContain('loadOrderRules');
    expect(documentsOf(opened, [orderId])).toHaveLength(1);
  });

  test('the merged-payment lookup, products and contractor run side by side: matchContractor is asked while the other two still run', async () => {
    const opened = await startEnv();
    env = opened;
    // An offer linked to a card by the first order: the second matches its products locally.
    const first = opened.simulator.admin.addOrder({
      status: 'READY_FOR_PROCESSING',
      lines: [{ offerId: '17000000002' }],
    });
    await (await startOrder(opened, first)).result();
    const secondId = opened.simulator.admin.addOrder({
      status: 'READY_FOR_PROCESSING',
      lines: [{ offerId: '17000000002' }],
    });
    let contractorAsked!: () => void;
    const asked = new Promise<void>((resolve) => (contractorAsked = resolve));
    const waitedAlone: string[] = [];
    opened.beforeCall('matchContractor', () => contractorAsked());
    // This order's merged-payment lookup and products hold on until the contractor is asked, or
    // give up after 3 s (one after the other).
    const holdOn = (name: 'findExistingDocument' | 'matchProducts') => async () => {
      let timer: NodeJS.Timeout | undefined;
      const alone = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 3000)));
      if (await Promise.race([asked.then(() => false), alone])) waitedAlone.push(name);
      clearTimeout(timer);
    };
    opened.beforeCall('findExistingDocument', holdOn('findExistingDocument'));
    opened.beforeCall('matchProducts', holdOn('matchProducts'));
    const second = await startOrder(opened, secondId);
    expect(await second.result()).toMatchObject({ status: 'Imported' });
    expect(waitedAlone).toEqual([]);
    expect(await localActivityTypes(second)).toEqual(
      expect.arrayContaining(['findExistingDocument', 'matchProducts', 'matchContractor', 'createDocument']),
    );
    expect(documentsOf(opened, [first, secondId])).toHaveLength(2);
  });
});

describe('a cancel hint with the read', () => {
  test('a cancel event that arrives while the form is read starts the journey over before any matching', async () => {
    const opened = await startEnv();
    env = opened;
    const orderId = opened.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const workflowId = orderWorkflowId(opened.account, orderId);
    let hinted = false;
    // The first read: the hint reaches the workflow before the read's result does. Allegro has not
    // applied the cancel (the form stays READY), so the re-read goes on to import it.
    opened.beforeCall('fetchOrder', async () => {
      if (hinted) return;
      hinted = true;
      await opened.client.workflow
        .getHandle(workflowId)
        .signal(orderEventSignal, { eventId: 'c1', type: 'BUYER_CANCELLED', occurredAt: new Date().toISOString() });
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    const contractorCalls = opened.calls.get('matchContractor') ?? 0;
    const handle = await startOrder(opened, orderId);
    expect(await handle.result()).toMatchObject({ status: 'Imported' });
    expect(hinted).toBe(true);
    expect(await fetchQueues(handle)).toHaveLength(2); // read again after the hint
    expect((opened.calls.get('matchContractor') ?? 0) - contractorCalls).toBe(1);
  });
});

describe('determinism', () => {
  test('every run this file made replays against the current workflow code', async () => {
    const { replayed, failures } = await replayRunsOfThisFile();
    expect(failures).toEqual([]);
    expect(replayed).toBeGreaterThanOrEqual(5);
  });
});

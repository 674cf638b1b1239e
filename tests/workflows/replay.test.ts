/**
 * Determinism: histories recorded from the server replay against the current workflow code
 * without a non-determinism error. Three sources: the JSON histories kept in
 * tests/workflows/histories/ (older code's runs), fresh runs of the main paths made here, and
 * whatever runs of our workflows the server already holds from the other test files.
 * `UPDATE_HISTORIES=1 npx jest tests/workflows/replay.test.ts` rewrites the kept histories.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import {
  orderEventSignal,
  orderWorkflowId,
  pollerStatusQuery,
  pollerWorkflowId,
  retrySignal,
  type OrderProgress,
} from '../../workflows/definitions';
import { importOrder } from '../../workflows/import-order';
import { pollAllegroEvents } from '../../workflows/poller';
import { testDataConverter } from '../harness/temporal';
import { eventually, progressWhen, startEnv, type TestEnv } from './env';

const HISTORIES = path.join(__dirname, 'histories');
const OUR_WORKFLOWS = ['importOrder', 'cancelImportedOrder', 'reviewImportedOrder', 'pollAllegroEvents'];

function replayOptions(): ReplayWorkerOptions {
  const codePath = process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error(process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE_ERROR ?? 'no shared workflow bundle');
  const dataConverter = testDataConverter();
  return { workflowBundle: { codePath }, ...(dataConverter ? { dataConverter } : {}) };
}

async function replayAll(options: ReplayWorkerOptions, histories: { workflowId: string; history: unknown }[]) {
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories(options, histories as never)) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
  }
  return { replayed, failures };
}

function keptHistories(): { name: string; workflowId: string; history: unknown }[] {
  if (!fs.existsSync(HISTORIES)) return [];
  return fs
    .readdirSync(HISTORIES)
    .filter((f) => f.endsWith('.json'))
    .map((file) => ({
      name: file,
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8'))),
    }));
}

describe('replay', () => {
  let env: TestEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  test('fresh runs of every path, and every run of our workflows on the server, replay without a determinism error', async () => {
    const opened = await startEnv();
    env = opened;
    const { client, account, simulator } = opened;
    const start = (orderId: string, policy = opened.policy) =>
      client.workflow.start(importOrder, {
        taskQueue: opened.taskQueue,
        workflowId: orderWorkflowId(account, orderId),
        args: [{ account, checkoutFormId: orderId, policy, timing: { waitingRecheckSeconds: 1 } }],
      });

    // Imported through a licence wait; waiting at FILLED_IN then paid; a person fixing a mapping; cancelled.
    opened.optimaDb.licences.failNext(2);
    const licence = await start(simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' }));
    const waitingId = simulator.admin.addOrder({ status: 'FILLED_IN' });
    const waiting = await start(waitingId);
    const unmapped = await start(
      simulator.admin.addOrder({ paymentType: 'SOMETHING_NEW', status: 'READY_FOR_PROCESSING' }),
    );
    const cancelledId = simulator.admin.addOrder({ status: 'FILLED_IN' });
    const cancelled = await start(cancelledId);

    await progressWhen(waiting, (p: OrderProgress) => p.status === 'Waiting', 'waiting');
    simulator.admin.advance(waitingId, 'READY_FOR_PROCESSING');
    await progressWhen(unmapped, (p) => p.status === 'NeedsAttention', 'needs attention');
    await unmapped.signal(retrySignal, {
      policy: {
        ...opened.policy,
        paymentMappings: [...opened.policy.paymentMappings, { type: 'SOMETHING_NEW', paymentForm: 'przelew' }],
      },
    });
    await progressWhen(cancelled, (p) => p.status === 'Waiting', 'waiting');
    simulator.admin.cancel(cancelledId, 'BUYER');
    await cancelled.signal(orderEventSignal, {
      eventId: '1',
      type: 'BUYER_CANCELLED',
      occurredAt: new Date().toISOString(),
    });

    // A poller that continues as new, dispatches, and is reset.
    const poller = await client.workflow.start(pollAllegroEvents, {
      taskQueue: opened.taskQueue,
      workflowId: pollerWorkflowId(account),
      args: [
        {
          account,
          policy: opened.policy,
          schedule: { kind: 'interval', seconds: 1 },
          pageSize: 100,
          initialSync: 'now',
          runsBeforeContinueAsNew: 2,
        },
      ],
    });
    await eventually(
      async () => ((await poller.query(pollerStatusQuery)).lastImportAt ? true : undefined),
      'the first poll',
    );
    const polled = simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    for (const handle of [licence, waiting, unmapped, cancelled]) await handle.result();
    await eventually(() => client.workflow.getHandle(orderWorkflowId(account, polled)).result(), 'the polled order');
    const latest = client.workflow.getHandle(pollerWorkflowId(account));
    await latest.executeUpdate('reset', { args: [{ to: 'now' }] });
    await latest.terminate('test done');

    const fresh = {
      licenceWait: licence,
      waitingThenPaid: waiting,
      needsAttentionThenRetry: unmapped,
      cancelledBeforeDocument: cancelled,
    };
    const histories = await Promise.all(
      Object.entries(fresh).map(async ([name, handle]) => ({
        name,
        workflowId: handle.workflowId,
        history: await handle.fetchHistory(),
      })),
    );
    const pollerRuns = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = '${pollerWorkflowId(account)}'` }))
      pollerRuns.push(run);
    expect(pollerRuns.length).toBeGreaterThanOrEqual(2); // it continued as new at least once
    pollerRuns.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    for (const [i, run] of pollerRuns.entries()) {
      const name = i === 0 ? 'pollerContinuedAsNew' : i === pollerRuns.length - 1 ? 'pollerWithReset' : `poller-${i}`;
      histories.push({
        name,
        workflowId: run.workflowId,
        history: await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory(),
      });
    }

    if (process.env.UPDATE_HISTORIES === '1') {
      fs.mkdirSync(HISTORIES, { recursive: true });
      for (const { name, history } of histories.filter((h) => !h.name.startsWith('poller-'))) {
        fs.writeFileSync(path.join(HISTORIES, `${name}.json`), `${historyToJSON(history)}\n`);
      }
    }

    // Plus every closed run of our workflows that other test files left on the server (this run's).
    const query = `WorkflowType IN (${OUR_WORKFLOWS.map((t) => `'${t}'`).join(', ')}) AND ExecutionStatus != 'Running'`;
    const others = client.workflow.list({ query, pageSize: 100 }).intoHistories();
    const { replayed: otherCount, failures: otherFailures } = await replayAll(replayOptions(), others as never);
    const { replayed, failures } = await replayAll(replayOptions(), histories);
    expect(failures).toEqual([]);
    expect(otherFailures).toEqual([]);
    expect(replayed).toBe(histories.length);
    console.log(`replayed ${replayed} fresh histories and ${otherCount} others from the server`);
  });

  test('the kept JSON histories (tests/workflows/histories) replay against the current code', async () => {
    const kept = keptHistories();
    expect(kept.map((k) => k.name).sort()).toEqual([
      'cancelledBeforeDocument.json',
      'journey2AllLocal.json',
      'journey2ProductsFromAllegro.json',
      'licenceWait.json',
      'needsAttentionThenRetry.json',
      'pollerContinuedAsNew.json',
      'pollerWithReset.json',
      'waitingThenPaid.json',
    ]);
    const { replayed, failures } = await replayAll(replayOptions(), kept);
    expect(failures).toEqual([]);
    expect(replayed).toBe(kept.length);
  });

  test('control: the same histories against changed workflow code DO fail (the check is real)', async () => {
    const kept = keptHistories().filter((k) => k.name === 'licenceWait.json');
    expect(kept).toHaveLength(1);
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('./fixtures/changed-workflows'),
      logger: new DefaultLogger('ERROR'),
    });
    const { failures } = await replayAll({ workflowBundle: { code } }, kept);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/nondetermin|DeterminismViolation/i);
  });
});

/**
 * The poller steered as an operator does without our CLI: `temporal workflow signal` (the real
 * binary, as the README's runbook shows it) for reset, pause and resume. The outcome of each
 * reset shows in the status query and in the workflow's current details (the Web UI).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { cachedCliPath, findOnPath } from '../../scripts/temporal-cli';
import { orderWorkflowId, pollerStatusQuery, pollerWorkflowId, type PollerStatus } from '../../workflows/definitions';
import { importOrder } from '../../workflows/import-order';
import { pollAllegroEvents } from '../../workflows/poller';
import { testAddress, testNamespace } from '../harness/temporal';
import { eventually, replayRunsOfThisFile, startEnv, type TestEnv } from './env';

const run = promisify(execFile);
const TEMPORAL = findOnPath('temporal') ?? cachedCliPath();

let env: TestEnv;
beforeEach(async () => {
  env = await startEnv();
});
afterEach(async () => {
  await env.close();
});

/** `temporal workflow signal --workflow-id poller:<account> --name <name> [--input <json>]`. */
async function signalWithCli(name: string, input?: unknown): Promise<void> {
  await run(TEMPORAL, [
    'workflow',
    'signal',
    '--address',
    testAddress(),
    '--namespace',
    testNamespace(),
    '--workflow-id',
    pollerWorkflowId(env.account),
    '--name',
    name,
    ...(input === undefined ? [] : ['--input', JSON.stringify(input)]),
  ]);
}

function statusWhen(poller: WorkflowHandle, test: (s: PollerStatus) => boolean, what: string): Promise<PollerStatus> {
  return eventually(async () => {
    const status = await poller.query(pollerStatusQuery);
    return test(status) ? status : undefined;
  }, what);
}

/** What the Web UI shows as the workflow's current details. */
async function currentDetails(poller: WorkflowHandle): Promise<string> {
  const metadata = await poller.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return metadata.currentDetails ?? '';
}

test('reset (now, an event id; a future date and a bare string refused), pause and resume sent with the temporal CLI', async () => {
  // An event before the start, so that the first cursor is an event id and not "no events yet".
  env.simulator.admin.addOrder({ status: 'FILLED_IN' });
  const poller = await env.client.workflow.start(pollAllegroEvents, {
    taskQueue: env.taskQueue,
    workflowId: pollerWorkflowId(env.account),
    args: [
      {
        account: env.account,
        policy: env.policy,
        schedule: { kind: 'interval', seconds: 3600 },
        pageSize: 100,
        initialSync: 'now',
      },
    ],
  });
  const first = await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
  expect(first.cursor).toMatch(/^\d+$/);

  await signalWithCli('pause');
  await statusWhen(poller, (s) => s.paused, 'paused by the CLI signal');
  const skipped = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });

  await signalWithCli('reset', { to: 'now' });
  const atNow = await statusWhen(poller, (s) => s.lastReset?.target.to === 'now', 'the reset to now');
  expect(BigInt(atNow.cursor!)).toBeGreaterThan(BigInt(first.cursor!));
  expect(atNow.lastReset).toMatchObject({ via: 'signal', cursor: atNow.cursor });
  expect(atNow.lastReset?.refused).toBeUndefined();
  expect(atNow.paused).toBe(true);
  const details = await currentDetails(poller);
  expect(details).toContain('**Paused**');
  expect(details).toContain(`Last reset (signal, ${atNow.lastReset!.at}) to now: cursor ${atNow.cursor}`);

  await signalWithCli('reset', { to: 'date', date: new Date(Date.now() + 86_400_000).toISOString() });
  const refused = await statusWhen(poller, (s) => s.lastReset?.refused !== undefined, 'the refused reset');
  expect(refused.lastReset?.refused).toMatch(/in the future/);
  expect(refused.cursor).toBe(atNow.cursor);
  expect(await currentDetails(poller)).toMatch(/Last reset \(signal, .*\) to date .*: refused, the date .* is in the future/);

  // Not even an object (a bare JSON string): refused with the forms it takes, the poller unharmed.
  await signalWithCli('reset', 'now');
  const garbled = await statusWhen(poller, (s) => s.lastReset?.target === ('now' as never), 'the garbled reset');
  expect(garbled.lastReset?.refused).toMatch(/unknown reset target "now": give \{"to":"now"\}/);
  expect(garbled.cursor).toBe(atNow.cursor);

  // Back before `skipped`'s event, the id typed as a JSON number as one may in the Web UI.
  await signalWithCli('reset', { to: 'event', eventId: Number(first.cursor) });
  const back = await statusWhen(poller, (s) => s.lastReset?.target.to === 'event', 'the reset to an event');
  expect(back.cursor).toBe(first.cursor);
  expect(back.lastReset?.refused).toBeUndefined();

  await signalWithCli('resume');
  const order = env.client.workflow.getHandle<typeof importOrder>(orderWorkflowId(env.account, skipped));
  expect(await eventually(() => order.result(), 'the skipped order to be imported')).toMatchObject({
    status: 'Imported',
  });
  const resumed = await poller.query(pollerStatusQuery);
  expect(resumed.paused).toBe(false);
  expect(await currentDetails(poller)).toContain('**Polling** every 3600 s');

  await poller.terminate('test done');
  const { replayed, failures } = await replayRunsOfThisFile();
  expect(failures).toEqual([]);
  expect(replayed).toBeGreaterThan(0);
});

/**
 * What an operator does from a terminal or the Web UI's "Send a Signal": the real `temporal`
 * CLI signals the poller (reset, pause, resume) and the poller's status shows the effect.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pollerStatusQuery, pollerWorkflowId, type PollerStatus } from '../../workflows/definitions';
import { pollAllegroEvents } from '../../workflows/poller';
import { temporalCliBinary, testAddress, testNamespace } from '../harness/temporal';
import { eventually, startEnv, type TestEnv } from './env';

const run = promisify(execFile);

/** `temporal workflow signal …` exactly as the README's runbook shows it. */
async function signal(workflowId: string, name: string, input?: unknown): Promise<void> {
  const binary = temporalCliBinary();
  await run(binary, [
    'workflow',
    'signal',
    '--workflow-id',
    workflowId,
    '--name',
    name,
    ...(input === undefined ? [] : ['--input', JSON.stringify(input)]),
    '--address',
    testAddress(),
    '--namespace',
    testNamespace(),
  ]);
}

// Inside a describe: its afterAll stops the worker before the harness closes the connections.
describe('the poller, signalled with the temporal CLI', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await startEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  test('reset to an event, a refused reset, pause and resume', async () => {
    const orderIds = env.simulator.admin.addOrders(3, { marketplace: 'allegro-pl', status: 'READY_FOR_PROCESSING' });
    expect(orderIds).toHaveLength(3);
    const poller = await env.client.workflow.start(pollAllegroEvents, {
      taskQueue: env.taskQueue,
      workflowId: pollerWorkflowId(env.account),
      args: [
        { account: env.account, schedule: { kind: 'interval', seconds: 3600 }, pageSize: 100, initialSync: 'now' },
      ],
    });
    const status = () => poller.query(pollerStatusQuery);
    const synced = await eventually(async () => ((await status()).cursor !== null ? status() : undefined), 'synced');
    const back = String(BigInt(synced.cursor as string) - 2n);

    await signal(poller.workflowId, 'reset', { to: 'event', eventId: back });
    // The reset applies, then the poller runs at once and reads on from there.
    const reset = await eventually(async () => {
      const s: PollerStatus = await status();
      return s.lastReset?.by === 'signal' && s.lastReset.outcome.startsWith('applied') ? s : undefined;
    }, 'the signalled reset applied');
    expect(reset.lastReset?.target).toEqual({ to: 'event', eventId: back });
    expect(reset.lastReset?.outcome).toBe(`applied: cursor ${back}`);
    const description = await poller.describe();
    expect(description.status.name).toBe('RUNNING');

    await signal(poller.workflowId, 'reset', { to: 'date', date: 'yesterday-ish' });
    const refused = await eventually(async () => {
      const s = await status();
      return s.lastReset?.outcome.startsWith('refused') ? s : undefined;
    }, 'the bad reset refused');
    expect(refused.lastReset?.outcome).toContain('not a date');
    expect((await poller.describe()).status.name).toBe('RUNNING');

    await signal(poller.workflowId, 'pause');
    await eventually(async () => ((await status()).paused ? true : undefined), 'paused');
    await signal(poller.workflowId, 'resume');
    await eventually(async () => ((await status()).paused ? undefined : true), 'resumed');
    await poller.terminate('test done');
  });
});

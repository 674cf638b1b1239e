/**
 * Buyer data in the histories the `temporal` CLI shows: none in plain text with the codec on
 * (50 orders through the real worker), all of it through the codec server (`--codec-endpoint`).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { EncryptionCodec } from '../../encryption/codec';
import { startCodecServer, type RunningCodecServer } from '../../encryption/codec-server';
import { codecKeysFromEnvironment } from '../../encryption/keys';
import { orderWorkflowId } from '../../workflows/definitions';
import { importOrder } from '../../workflows/import-order';
import { temporalCliBinary, testAddress, testNamespace } from '../harness/temporal';
import { startEnv, type TestEnv } from '../workflows/env';

const run = promisify(execFile);
const ORDERS = 50;

// Inside a describe: its afterAll stops the worker before the harness closes the connections.
describe('buyer data in Temporal histories', () => {
  let env: TestEnv;
  let codecServer: RunningCodecServer;
  beforeAll(async () => {
    env = await startEnv();
    const keys = codecKeysFromEnvironment(process.env);
    if (!keys) throw new Error('the test run has no AO_CODEC_KEYS (tests/harness/global-setup.ts sets one)');
    codecServer = await startCodecServer({ codec: new EncryptionCodec(keys) });
  });
  afterAll(async () => {
    await codecServer?.close();
    await env?.close();
  });

  /** What identifies a buyer: e-mail, phone, full name, streets, NIP; long enough never to occur in base64 by chance. */
  function personalData(orderId: string): string[] {
    const form = env.simulator.admin.getOrder(orderId);
    if (!form) throw new Error(`no form ${orderId}`);
    const { buyer, delivery, invoice } = form;
    return [
      buyer.email,
      buyer.phoneNumber,
      `${buyer.firstName} ${buyer.lastName}`,
      buyer.address.street,
      delivery?.address?.street,
      delivery?.address?.phoneNumber,
      invoice?.address?.street,
      invoice?.address?.company?.taxId,
    ].filter((value): value is string => typeof value === 'string' && value.length >= 6);
  }

  /**
   * `temporal workflow show --output json` of a workflow, as a person would read it: the JSON plus
   * every payload's data decoded from base64 (the CLI prints payload bytes in base64).
   */
  async function showHistory(workflowId: string, extra: string[] = []): Promise<string> {
    const binary = temporalCliBinary();
    const { stdout } = await run(
      binary,
      [
        'workflow',
        'show',
        '--workflow-id',
        workflowId,
        '--output',
        'json',
        '--address',
        testAddress(),
        '--namespace',
        testNamespace(),
        ...extra,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const texts = [stdout];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        const { data, metadata } = node as { data?: unknown; metadata?: unknown };
        if (typeof data === 'string' && metadata && typeof metadata === 'object') {
          for (const value of [data, ...Object.values(metadata)]) {
            if (typeof value === 'string') texts.push(Buffer.from(value, 'base64').toString('utf8'));
          }
        }
        Object.values(node).forEach(walk);
      }
    };
    walk(JSON.parse(stdout));
    return texts.join('\n');
  }

  test(`${ORDERS} imported orders: no buyer data in plain history; decoded through the codec server, all of it`, async () => {
    // Paid allegro.pl orders: each ends Imported (other marketplaces wait for their currency, for now).
    const orderIds = env.simulator.admin.addOrders(ORDERS, {
      marketplace: 'allegro-pl',
      status: 'READY_FOR_PROCESSING',
    });
    const handles = await Promise.all(
      orderIds.map((checkoutFormId) =>
        env.client.workflow.start(importOrder, {
          taskQueue: env.taskQueue,
          workflowId: orderWorkflowId(env.account, checkoutFormId),
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
          args: [{ account: env.account, checkoutFormId, policy: env.policy }],
        }),
      ),
    );
    const results = await Promise.all(handles.map((h) => h.result()));
    expect(results.filter((r) => r.status === 'Imported')).toHaveLength(ORDERS);

    const leaks: string[] = [];
    let checked = 0;
    for (const [i, orderId] of orderIds.entries()) {
      const plain = await showHistory(handles[i].workflowId);
      expect(plain).toContain('binary/encrypted');
      for (const value of personalData(orderId)) {
        checked++;
        if (plain.includes(value)) leaks.push(`${orderId}: ${value}`);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(ORDERS * 4);
    expect(leaks).toEqual([]);

    // The control: the same history through the codec server shows the buyer.
    const decoded = await showHistory(handles[0].workflowId, ['--codec-endpoint', codecServer.url]);
    const shown = personalData(orderIds[0]).filter((value) => decoded.includes(value));
    expect(shown).toContain(env.simulator.admin.getOrder(orderIds[0])!.buyer.email);
  }, 300_000);
});

import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { encryptingDataConverter } from '../../encryption/data-converter';
import { runWorker, testConnection, testNamespace, uniqueName } from '../harness/temporal';
import { BUYER, keyring, OLD_KEY } from './fixtures';
import { confirmBuyer, type BuyerActivities } from './workflows';

type Payload = temporal.api.common.v1.IPayload;

/** Every payload anywhere in the history: inputs, activity results, the workflow result. */
function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const candidate = value as Payload;
  if (candidate.metadata && typeof candidate.metadata === 'object' && 'data' in candidate) found.push(candidate);
  else Object.values(value).forEach((child) => payloadsIn(child, found));
  return found;
}

describe('the codec on a Temporal dev server', () => {
  it('keeps buyer data out of the raw history while the result decodes', async () => {
    const dataConverter = encryptingDataConverter(keyring(OLD_KEY));
    const client = new Client({ connection: await testConnection(), namespace: testNamespace(), dataConverter });
    const taskQueue = uniqueName('encryption');
    const activities: BuyerActivities = {
      confirmationFor: async (buyer) => `Potwierdzenie dla ${buyer.email}`,
    };

    const handle = await runWorker(
      { taskQueue, activities, dataConverter, workflowsPath: require.resolve('./workflows') },
      async () => {
        const started = await client.workflow.start(confirmBuyer, {
          taskQueue,
          workflowId: uniqueName('encrypted'),
          args: [BUYER],
        });
        expect(await started.result()).toEqual({ confirmation: `Potwierdzenie dla ${BUYER.email}`, nip: BUYER.nip });
        return started;
      },
    );

    const history = await client.workflow.getHandle(handle.workflowId).fetchHistory();
    const payloads = payloadsIn(history.events);
    // Argument, activity input, activity result, workflow result.
    expect(payloads.length).toBeGreaterThanOrEqual(4);
    for (const payload of payloads) {
      expect(Buffer.from(payload.metadata!.encoding).toString()).toBe('binary/encrypted');
      expect(Buffer.from(payload.metadata!['encryption-key-id']).toString()).toBe('k1');
    }
    const raw = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    for (const secret of [BUYER.email, BUYER.nip, BUYER.phone]) expect(raw.includes(secret)).toBe(false);
  });
});

/**
 * Order status and tracking back to Allegro (issue 13) on the real dev server: an imported RO
 * converted to FS with a waybill number in the embedded Optima → within one watcher run the
 * simulated order shows the configured status and exactly one shipment with that number, also
 * when the worker dies after each Allegro call; a conversion without a waybill sets its own status;
 * a configured document attribute moves the status once per value.
 */
import { WorkflowIdReusePolicy, type WorkflowHandle } from '@temporalio/client';
import { convertToInvoice, setDocumentAttribute } from '../../dev/embedded-optima';
import { orderWorkflowId } from '../../workflows/definitions';
import {
  fulfilmentStatusQuery,
  fulfilmentWorkflowId,
  scanNowSignal,
  watchFulfilment,
} from '../../workflows/fulfilment';
import type { FulfilmentRules } from '../../domain/fulfilment';
import { importOrder } from '../../workflows/import-order';
import { documentsOf, eventually, replayRunsOfThisFile, startEnv, type TestEnv } from './env';

jest.setTimeout(180_000);

let env: TestEnv;
let watcher: WorkflowHandle<typeof watchFulfilment> | undefined;
afterEach(async () => {
  await watcher?.terminate('test done');
  watcher = undefined;
  await env.close();
});

const RULES = {
  onConverted: 'READY_FOR_SHIPMENT',
  onWaybill: 'SENT',
  carriers: { '1': 'DPD' },
  defaultCarrier: 'OTHER',
};

/** An order imported as an RO in the embedded Optima; its document id. */
async function importedOrder(): Promise<{ orderId: string; documentId: number }> {
  const orderId = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING', buyer: 'person' });
  await env.client.workflow.execute(importOrder, {
    taskQueue: env.taskQueue,
    workflowId: orderWorkflowId(env.account, orderId),
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    args: [{ account: env.account, checkoutFormId: orderId, policy: env.policy }],
  });
  const [document] = documentsOf(env, [orderId]);
  return { orderId, documentId: document.TrN_TrNID };
}

async function startWatcher(rules: FulfilmentRules = RULES): Promise<WorkflowHandle<typeof watchFulfilment>> {
  watcher = await env.client.workflow.start(watchFulfilment, {
    taskQueue: env.taskQueue,
    workflowId: fulfilmentWorkflowId(env.account),
    args: [{ account: env.account, rules, everySeconds: 3600 }],
  });
  return watcher;
}

function afterRun(handle: WorkflowHandle, runs: number) {
  return eventually(
    async () => {
      const status = await handle.query(fulfilmentStatusQuery);
      if (status.lastError) throw new Error(status.lastError);
      return status.runs >= runs ? status : undefined;
    },
    `fulfilment run ${runs}`,
    120_000,
  );
}

const requests = (name: string) => env.simulator.admin.stats().requests[name] ?? 0;
const PUT_FULFILMENT = 'PUT /order/checkout-forms/{id}/fulfillment';
const POST_SHIPMENT = 'POST /order/checkout-forms/{id}/shipments';

test('RO converted to FS with a waybill: the configured status and exactly one shipment in one run; once only', async () => {
  env = await startEnv({ seed: 1401 });
  const shipped = await importedOrder();
  const invoiced = await importedOrder();
  convertToInvoice(env.optimaDb.company, shipped.documentId, { waybill: '0000987654321X', carrierType: 1 });
  convertToInvoice(env.optimaDb.company, invoiced.documentId);
  const handle = await startWatcher();
  const first = await afterRun(handle, 1);
  expect(first).toMatchObject({ statusesSet: 2, shipmentsAdded: 1 });
  expect(env.simulator.admin.getOrder(shipped.orderId)?.fulfillment.status).toBe('SENT');
  expect(env.simulator.admin.getShipments(shipped.orderId)).toEqual([
    expect.objectContaining({ waybill: '0000987654321X', carrierId: 'DPD' }),
  ]);
  expect(env.simulator.admin.getOrder(invoiced.orderId)?.fulfillment.status).toBe('READY_FOR_SHIPMENT');
  expect(env.simulator.admin.getShipments(invoiced.orderId)).toEqual([]);

  await handle.signal(scanNowSignal);
  await afterRun(handle, 2);
  expect(env.simulator.admin.getShipments(shipped.orderId)).toHaveLength(1);
  expect(requests(PUT_FULFILMENT)).toBe(2);
  expect(requests(POST_SHIPMENT)).toBe(1);
});

test('the worker dies after setting the status and after adding the shipment: still one status change and one shipment', async () => {
  env = await startEnv({ seed: 1402 });
  const { orderId, documentId } = await importedOrder();
  convertToInvoice(env.optimaDb.company, documentId, { waybill: 'AB123456789PL', carrierType: 7 });
  env.failAfter('setOrderFulfilment', 1);
  env.failAfter('addTrackingNumber', 1);
  const handle = await startWatcher();
  const status = await afterRun(handle, 1);
  expect(status.shipmentsAdded).toBe(0); // the attempts that did it died before reporting
  expect(env.calls.get('setOrderFulfilment')).toBe(2);
  expect(env.calls.get('addTrackingNumber')).toBe(2);
  expect(env.simulator.admin.getOrder(orderId)?.fulfillment.status).toBe('SENT');
  expect(env.simulator.admin.getShipments(orderId)).toEqual([
    expect.objectContaining({ waybill: 'AB123456789PL', carrierId: 'OTHER' }),
  ]);
  expect(requests(PUT_FULFILMENT)).toBe(1);
  expect(requests(POST_SHIPMENT)).toBe(1);
});

test('a document attribute set in Optima moves the Allegro status once; the next value moves it on', async () => {
  env = await startEnv({ seed: 1403 });
  const { orderId, documentId } = await importedOrder();
  const handle = await startWatcher({
    ...RULES,
    attribute: {
      code: 'STATUS_WYSYLKI',
      values: [
        { value: 'SPAKOWANE', status: 'READY_FOR_SHIPMENT' },
        { value: 'WYSLANE', status: 'SENT' },
      ],
    },
  });
  await afterRun(handle, 1);
  expect(env.simulator.admin.getOrder(orderId)?.fulfillment.status).not.toBe('READY_FOR_SHIPMENT');
  const before = requests(PUT_FULFILMENT);

  // A second later than the import: the scan reads documents stamped after its last one.
  setDocumentAttribute(
    env.optimaDb.company,
    documentId,
    { code: 'STATUS_WYSYLKI', value: 'SPAKOWANE' },
    new Date(Date.now() + 1000),
  );
  await handle.signal(scanNowSignal);
  const packed = await afterRun(handle, 2);
  expect(env.simulator.admin.getOrder(orderId)?.fulfillment.status).toBe('READY_FOR_SHIPMENT');
  expect(packed.statusesSet).toBe(1);
  expect(requests(PUT_FULFILMENT)).toBe(before + 1);

  await handle.signal(scanNowSignal);
  await afterRun(handle, 3);
  expect(requests(PUT_FULFILMENT)).toBe(before + 1);

  setDocumentAttribute(
    env.optimaDb.company,
    documentId,
    { code: 'STATUS_WYSYLKI', value: 'WYSLANE' },
    new Date(Date.now() + 2000),
  );
  await handle.signal(scanNowSignal);
  const sent = await afterRun(handle, 4);
  expect(env.simulator.admin.getOrder(orderId)?.fulfillment.status).toBe('SENT');
  expect(sent.statusesSet).toBe(2);
  expect(env.simulator.admin.getShipments(orderId)).toEqual([]);
});

test('every run this file made replays against the current workflow code', async () => {
  env = await startEnv();
  const { replayed, failures } = await replayRunsOfThisFile();
  expect(failures).toEqual([]);
  expect(replayed).toBeGreaterThanOrEqual(5);
});

/**
 * The order workflow on the real dev server, with the Allegro simulator and the embedded
 * Optima: what ends up in Optima's tables, and how the journey behaves when things go wrong.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { policyVersion } from '../../activities/policy';
import { loadSettings, toImportPolicy } from '../../config/settings';
import { DEMO_SETTINGS } from '../../dev/demo-settings';
import { DEMO_DELIVERY_METHODS } from '../../dev/catalogue';
import { parseMinor } from '../../domain/money';
import {
  allegroTaskQueue,
  orderEventSignal,
  orderProgressQuery,
  orderWorkflowId,
  retrySignal,
  supersededSignal,
  type ImportOrderInput,
} from '../../workflows/definitions';
import { importOrder } from '../../workflows/import-order';
import { DOCUMENT_NUMBER, ORDER_STATUS } from '../../workflows/search-attributes';
import { completedActivityTypes } from '../harness/temporal';
import {
  countRows,
  documentsOf,
  eventually,
  progressWhen,
  replayRunsOfThisFile,
  startEnv,
  startOrder,
  type TestEnv,
} from './env';

const COURIER = DEMO_DELIVERY_METHODS.find((m) => m.name === 'Allegro Kurier DPD')!;

let env: TestEnv;
beforeEach(async () => {
  env = await startEnv();
});
afterEach(async () => {
  await env.close();
});

const start = (checkoutFormId: string, input: Partial<ImportOrderInput> = {}) => startOrder(env, checkoutFormId, input);

interface LineRow {
  TrE_TwrKod: string;
  TrE_Ilosc: number;
  TrE_WartoscBrutto: number;
  TrE_Stawka: number;
}

function linesOf(documentId: number): LineRow[] {
  return env.optimaDb.company
    .prepare(
      'SELECT TrE_TwrKod, TrE_Ilosc, TrE_WartoscBrutto, TrE_Stawka FROM CDN.TraElem WHERE TrE_TrNId = ? ORDER BY TrE_Lp',
    )
    .all(documentId) as LineRow[];
}

const minor = (value: number) => Math.round(Number(value) * 100);

describe('importOrder', () => {
  test("imports a paid order: one RO with its lines, the delivery line and Allegro's total", async () => {
    const orderId = env.simulator.admin.addOrder({
      buyer: 'company',
      lines: [{ offerId: '17000000001', quantity: 2 }, { offerId: '17000000004' }],
      deliveryMethodId: COURIER.id,
      paymentType: 'ONLINE',
      paymentProvider: 'PAYU',
      status: 'READY_FOR_PROCESSING',
    });
    const handle = await start(orderId);
    const result = await handle.result();

    expect(result.status).toBe('Imported');
    const form = env.simulator.admin.getOrder(orderId)!;
    const [document] = documentsOf(env, [orderId]);
    expect(documentsOf(env, [orderId])).toHaveLength(1);
    expect(document.TrN_NumerPelny).toBe(result.documentNumber);
    expect(minor(document.TrN_RazemBrutto)).toBe(parseMinor(form.summary.totalToPay.amount));

    const lines = linesOf(document.TrN_TrNID);
    expect(lines.map((l) => [l.TrE_TwrKod, Number(l.TrE_Ilosc)])).toEqual([
      ['KUB-350-KRK', 2],
      ['LAD-65W-GAN', 1],
      [COURIER.optimaServiceCode, 1],
    ]);
    expect(minor(lines[0].TrE_WartoscBrutto)).toBe(2 * parseMinor(form.lineItems[0].price.amount));
    expect(minor(lines[2].TrE_WartoscBrutto)).toBe(parseMinor(form.delivery!.cost.amount));
    expect(lines.reduce((sum, l) => sum + minor(l.TrE_WartoscBrutto), 0)).toBe(
      parseMinor(form.summary.totalToPay.amount),
    );

    // The merged-payment lookup, products and contractor run side by side: any may finish first.
    const steps = await completedActivityTypes(handle);
    expect([...steps.slice(0, 1), ...steps.slice(1, 4).sort(), ...steps.slice(4)]).toEqual([
      'fetchOrder',
      'findExistingDocument',
      'matchContractor',
      'matchProducts',
      'createDocument',
      'recordLink',
    ]);
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(ORDER_STATUS)).toBe('Imported');
    expect(description.typedSearchAttributes.get(DOCUMENT_NUMBER)).toBe(result.documentNumber);
    expect(await handle.query(orderProgressQuery)).toMatchObject({
      status: 'Imported',
      documentNumber: result.documentNumber,
    });
  });

  test('waits at FILLED_IN (status Waiting), then imports when the READY event comes', async () => {
    const orderId = env.simulator.admin.addOrder({ status: 'FILLED_IN' });
    const handle = await start(orderId);
    const waiting = await progressWhen(handle, (p) => p.status === 'Waiting', 'the order to wait for payment');
    expect(waiting.reason).toMatch(/FILLED_IN/);
    expect((await handle.describe()).typedSearchAttributes.get(ORDER_STATUS)).toBe('Waiting');
    expect(documentsOf(env, [orderId])).toHaveLength(0);

    env.simulator.admin.advance(orderId, 'READY_FOR_PROCESSING');
    await handle.signal(orderEventSignal, {
      eventId: '1',
      type: 'READY_FOR_PROCESSING',
      occurredAt: new Date().toISOString(),
    });
    expect(await handle.result()).toMatchObject({ status: 'Imported' });
    expect(documentsOf(env, [orderId])).toHaveLength(1);
  });

  test('a lost READY event: the periodic re-check finds the paid order anyway', async () => {
    const orderId = env.simulator.admin.addOrder({ status: 'FILLED_IN' });
    const handle = await start(orderId, { timing: { waitingRecheckSeconds: 1 } });
    await progressWhen(handle, (p) => p.status === 'Waiting', 'the order to wait');
    env.simulator.admin.advance(orderId, 'READY_FOR_PROCESSING'); // no signal: the event was lost
    expect(await handle.result()).toMatchObject({ status: 'Imported' });
    expect(documentsOf(env, [orderId])).toHaveLength(1);
  });

  test('Optima licence busy three times: waits policy.licenceRetryDelaySeconds each time, attempts visible, then imports', async () => {
    env.optimaDb.licences.failNext(3);
    const orderId = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const handle = await start(orderId);
    const waiting = await progressWhen(handle, (p) => p.attempts >= 1 && p.status === 'Waiting', 'a licence wait');
    expect(waiting.reason).toMatch(/licence unavailable \(attempt \d\)/);
    expect(waiting.nextAttemptAt).toBeDefined();

    const result = await handle.result();
    expect(result.status).toBe('Imported');
    expect(documentsOf(env, [orderId])).toHaveLength(1);
    expect((await handle.query(orderProgressQuery)).attempts).toBe(3);
    const history = await handle.fetchHistory();
    // Refused regular activities, and local attempts (their failed markers).
    const licenceFailures = (history.events ?? []).filter(
      (e) =>
        (e.activityTaskFailedEventAttributes ?? e.markerRecordedEventAttributes)?.failure?.applicationFailureInfo
          ?.type === 'LicenceUnavailableError',
    );
    expect(licenceFailures).toHaveLength(3);
    // The licence wait is the workflow's own timer, not an activity retry.
    expect((history.events ?? []).filter((e) => e.timerStartedEventAttributes).length).toBeGreaterThanOrEqual(3);
    expect(env.optimaDb.licences.stats().refused).toBe(3);
  });

  test('a licence wait of many attempts continues as new, the attempt count carried over', async () => {
    env.optimaDb.licences.failNext(3);
    const orderId = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const handle = await start(orderId, { timing: { waitsBeforeContinueAsNew: 2 } });
    expect(await handle.result()).toMatchObject({ status: 'Imported' });
    const latest = env.client.workflow.getHandle(handle.workflowId);
    expect((await latest.describe()).runId).not.toBe(handle.firstExecutionRunId);
    // The first run waited twice (one timer each), then continued as new carrying the count.
    const firstRun = env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    const waits = ((await firstRun.fetchHistory()).events ?? []).filter((e) => e.timerStartedEventAttributes);
    expect(waits).toHaveLength(2);
    expect((await latest.query(orderProgressQuery)).attempts).toBeGreaterThanOrEqual(2);
    expect(documentsOf(env, [orderId])).toHaveLength(1);
  });

  test('a long wait for payment continues as new and still imports when paid', async () => {
    const orderId = env.simulator.admin.addOrder({ status: 'FILLED_IN' });
    const handle = await start(orderId, { timing: { waitingRecheckSeconds: 1, waitsBeforeContinueAsNew: 2 } });
    const latest = env.client.workflow.getHandle(handle.workflowId);
    await eventually(
      async () => ((await latest.describe()).runId !== handle.firstExecutionRunId ? true : undefined),
      'a continue-as-new',
    );
    await progressWhen(latest, (p) => p.status === 'Waiting', 'the new run to wait');
    env.simulator.admin.advance(orderId, 'READY_FOR_PROCESSING');
    expect(await handle.result()).toMatchObject({ status: 'Imported' });
    expect(documentsOf(env, [orderId])).toHaveLength(1);
  });

  test('a payment type without mapping waits as NeedsAttention with the reason; after the fix, retry imports it', async () => {
    const orderId = env.simulator.admin.addOrder({
      paymentType: 'ONLINE',
      paymentProvider: 'PAYU',
      status: 'READY_FOR_PROCESSING',
    });
    const unmapped = {
      ...env.policy,
      paymentMappings: env.policy.paymentMappings.filter((m) => m.provider !== 'PAYU'),
    };
    const handle = await start(orderId, { policy: unmapped });
    const stuck = await progressWhen(handle, (p) => p.status === 'NeedsAttention', 'NeedsAttention');
    expect(stuck.step).toBe('createDocument');
    expect(stuck.reason).toMatch(/^unmapped-payment: /);
    expect((await handle.describe()).typedSearchAttributes.get(ORDER_STATUS)).toBe('NeedsAttention');
    expect(documentsOf(env, [orderId])).toHaveLength(0);

    await handle.signal(retrySignal, { policy: env.policy });
    expect(await handle.result()).toMatchObject({ status: 'Imported' });
    expect(documentsOf(env, [orderId])).toHaveLength(1);
  });

  test('a retry without a fix waits again (NeedsAttention), it does not fail or drop the order', async () => {
    const orderId = env.simulator.admin.addOrder({ paymentType: 'SOMETHING_NEW', status: 'READY_FOR_PROCESSING' });
    const handle = await start(orderId);
    await progressWhen(handle, (p) => p.status === 'NeedsAttention', 'NeedsAttention');
    const failedBefore = await failedActivities(handle);
    await handle.signal(retrySignal);
    await eventuallyMore(handle, failedBefore);
    const again = await handle.query(orderProgressQuery);
    expect(again.status).toBe('NeedsAttention');
    expect(again.reason).toMatch(/SOMETHING_NEW/);
    await handle.terminate('test done');
  });

  test('cancelled by the buyer before the document: ends Cancelled, no document', async () => {
    const orderId = env.simulator.admin.addOrder({ status: 'FILLED_IN' });
    const handle = await start(orderId);
    await progressWhen(handle, (p) => p.status === 'Waiting', 'the order to wait');
    env.simulator.admin.cancel(orderId, 'BUYER');
    await handle.signal(orderEventSignal, {
      eventId: '2',
      type: 'BUYER_CANCELLED',
      occurredAt: new Date().toISOString(),
    });
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'Cancelled' });
    expect(result.documentNumber).toBeUndefined();
    expect(documentsOf(env, [orderId])).toHaveLength(0);
    expect((await handle.describe()).typedSearchAttributes.get(ORDER_STATUS)).toBe('Cancelled');
  });

  test('a cancel event while the order waits for a person ends it Cancelled (the wait is interrupted)', async () => {
    const orderId = env.simulator.admin.addOrder({ paymentType: 'SOMETHING_NEW', status: 'READY_FOR_PROCESSING' });
    const handle = await start(orderId);
    await progressWhen(handle, (p) => p.status === 'NeedsAttention', 'NeedsAttention');
    env.simulator.admin.cancel(orderId, 'AUTO');
    await handle.signal(orderEventSignal, {
      eventId: '3',
      type: 'AUTO_CANCELLED',
      occurredAt: new Date().toISOString(),
    });
    expect(await handle.result()).toMatchObject({ status: 'Cancelled' });
    expect(documentsOf(env, [orderId])).toHaveLength(0);
  });

  test('a worker dying after each step did its work: exactly one document, one contractor, one new product', async () => {
    const contractorsBefore = countRows(env, 'CDN.Kontrahenci');
    const productsBefore = countRows(env, 'CDN.Towary');
    // A guest (contractor keyed by the order) and a good Optima does not know (a card is created).
    const orderId = env.simulator.admin.addOrder({
      buyer: 'guest',
      lines: [{ offerId: '17000000012' }, { offerId: '17000000002', quantity: 3 }],
      status: 'READY_FOR_PROCESSING',
    });
    const steps = [
      'fetchOrder',
      'findExistingDocument',
      'matchProducts',
      'matchContractor',
      'createDocument',
      'recordLink',
    ] as const;
    for (const step of steps) env.failAfter(step, 1);
    const handle = await start(orderId);
    expect(await handle.result()).toMatchObject({ status: 'Imported' });

    // matchProducts: a local attempt first, refused (a new product needs Allegro), then the two.
    for (const step of steps) expect(env.calls.get(step)).toBe(step === 'matchProducts' ? 3 : 2);
    expect(documentsOf(env, [orderId])).toHaveLength(1);
    expect(countRows(env, 'CDN.Kontrahenci')).toBe(contractorsBefore + 1);
    expect(countRows(env, 'CDN.Towary')).toBe(productsBefore + 1);
  });

  test('matchContractor and createDocument run locally first; one still failing after 3 local attempts goes on as a regular activity (its retries visible), one document', async () => {
    const orderId = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    env.failAfter('createDocument', 3);
    const callsBefore = env.calls.get('createDocument') ?? 0;
    const handle = await start(orderId);
    expect(await handle.result()).toMatchObject({ status: 'Imported' });

    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(scheduled).not.toContain('matchContractor');
    expect(scheduled.filter((name) => name === 'createDocument')).toHaveLength(1);
    // Failed local attempts: the three of createDocument are one marker; matchProducts' refusal (the
    // order's offer is new to Optima, so it is read from Allegro on the Allegro queue) is another.
    const failedLocally = events.flatMap(
      (e) => e.markerRecordedEventAttributes?.failure?.applicationFailureInfo?.type ?? [],
    );
    expect(failedLocally.filter((type) => type !== 'AllegroNeededError')).toEqual(['Error']);
    expect((env.calls.get('createDocument') ?? 0) - callsBefore).toBe(4);
    expect(documentsOf(env, [orderId])).toHaveLength(1);
  });

  test('matchProducts runs locally when its offers are linked to cards; an offer to read from Allegro sends it to the Allegro queue at once', async () => {
    const scheduledSteps = async (handle: Awaited<ReturnType<typeof start>>) =>
      ((await handle.fetchHistory()).events ?? []).flatMap((e) => {
        const scheduled = e.activityTaskScheduledEventAttributes;
        return scheduled ? [`${scheduled.activityType?.name} on ${scheduled.taskQueue?.name}`] : [];
      });
    // An offer no test here used: Optima has no link to it yet, so it must be read from Allegro.
    const first = env.simulator.admin.addOrder({ lines: [{ offerId: '17000000005' }], status: 'READY_FOR_PROCESSING' });
    const callsBefore = env.calls.get('matchProducts') ?? 0;
    const firstHandle = await start(first);
    expect(await firstHandle.result()).toMatchObject({ status: 'Imported' });
    expect((await scheduledSteps(firstHandle)).filter((step) => step.startsWith('matchProducts'))).toEqual([
      `matchProducts on ${allegroTaskQueue(env.taskQueue)}`,
    ]);
    // The local attempt refused at once (no retries): one local call, one regular.
    expect((env.calls.get('matchProducts') ?? 0) - callsBefore).toBe(2);

    // The card is linked now: the next order of that offer matches it without Allegro.
    const second = env.simulator.admin.addOrder({
      lines: [{ offerId: '17000000005' }],
      status: 'READY_FOR_PROCESSING',
    });
    const secondHandle = await start(second);
    expect(await secondHandle.result()).toMatchObject({ status: 'Imported' });
    expect(await scheduledSteps(secondHandle)).not.toContainEqual(expect.stringMatching(/^matchProducts/));
    expect(await completedActivityTypes(secondHandle)).toContain('matchProducts');
    expect(documentsOf(env, [first, second])).toHaveLength(2);
  });

  test('marks the Allegro order PROCESSING after the import when asked (policy.markProcessing)', async () => {
    const orderId = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const handle = await start(orderId, { policy: { ...env.policy, markProcessing: true } });
    expect(await handle.result()).toMatchObject({ status: 'Imported' });
    expect(env.simulator.admin.getOrder(orderId)!.fulfillment.status).toBe('PROCESSING');
  });

  test('without markProcessing the Allegro order stays NEW', async () => {
    const orderId = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const handle = await start(orderId);
    expect(await handle.result()).toMatchObject({ status: 'Imported' });
    expect(env.simulator.admin.getOrder(orderId)!.fulfillment.status).toBe('NEW');
  });
});

describe('merged payments', () => {
  test('a waiting order gets supersededSignal: ends Superseded, no document', async () => {
    const orderId = env.simulator.admin.addOrder({ status: 'FILLED_IN' });
    const handle = await start(orderId);
    await progressWhen(handle, (p) => p.status === 'Waiting', 'the order to wait');
    await handle.signal(supersededSignal, { byCheckoutFormId: 'new-form' });
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'Superseded' });
    expect(result.reason).toMatch(/new-form/);
    expect(documentsOf(env, [orderId])).toHaveLength(0);
  });

  test('merged into a new form: the old one is gone (404) → Superseded; the new one gets the only document', async () => {
    const a = env.simulator.admin.addOrder({ lines: [{ offerId: '17000000001' }], status: 'FILLED_IN' });
    const b = env.simulator.admin.addOrder({ lines: [{ offerId: '17000000002' }], status: 'FILLED_IN' });
    const handleA = await start(a);
    await progressWhen(handleA, (p) => p.status === 'Waiting', 'A to wait');
    const merged = env.simulator.admin.merge([a, b]);

    await handleA.signal(orderEventSignal, {
      eventId: '4',
      type: 'READY_FOR_PROCESSING',
      occurredAt: new Date().toISOString(),
    });
    expect(await handleA.result()).toMatchObject({ status: 'Superseded' });
    const result = await (await start(merged)).result();
    expect(result.status).toBe('Imported');
    const documents = documentsOf(env, [a, b, merged]);
    expect(documents).toHaveLength(1);
    expect(
      linesOf(documents[0].TrN_TrNID)
        .map((l) => l.TrE_TwrKod)
        .slice(0, 2),
    ).toEqual(['KUB-350-KRK', 'HER-EG-100']);
  });

  test('a new form with more lines than the document already holding one of them waits, naming the lines not on it; no second document', async () => {
    const early = { ...env.policy, stage: 'FILLED_IN' as const };
    const a = env.simulator.admin.addOrder({ lines: [{ offerId: '17000000001' }], status: 'FILLED_IN' });
    const b = env.simulator.admin.addOrder({ lines: [{ offerId: '17000000002' }], status: 'FILLED_IN' });
    const imported = await (await start(a, { policy: early })).result();
    expect(imported.status).toBe('Imported');
    const documentsBefore = countRows(env, 'CDN.TraNag');

    const merged = env.simulator.admin.merge([a, b]);
    const handle = await start(merged);
    const stuck = await progressWhen(handle, (p) => p.status === 'NeedsAttention', 'the merged form to wait');
    const bLine = env.simulator.admin.getOrder(merged)!.lineItems[1].id;
    expect(stuck.reason).toMatch(/^total-mismatch: lineItems\[1\]\.id: /);
    expect(stuck.reason).toContain(bLine);
    expect(stuck.reason).toContain(imported.documentNumber!);
    expect(countRows(env, 'CDN.TraNag')).toBe(documentsBefore);
    await handle.terminate('test done');
  });
});

/** Failed attempts of steps: activities, and local activities (a marker with a failure). */
async function failedActivities(handle: {
  fetchHistory(): Promise<{
    events?:
      | { activityTaskFailedEventAttributes?: unknown; markerRecordedEventAttributes?: { failure?: unknown } | null }[]
      | null;
  }>;
}) {
  return ((await handle.fetchHistory()).events ?? []).filter(
    (e) => e.activityTaskFailedEventAttributes || e.markerRecordedEventAttributes?.failure,
  ).length;
}

async function eventuallyMore(handle: Parameters<typeof failedActivities>[0], before: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await failedActivities(handle)) <= before) {
    if (Date.now() > deadline) throw new Error('the retry did not run the step again');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('determinism', () => {
  test('every run this file made replays against the current workflow code', async () => {
    const { replayed, failures } = await replayRunsOfThisFile();
    expect(failures).toEqual([]);
    expect(replayed).toBeGreaterThanOrEqual(20);
  });
});

describe('importOrder with the settings by reference', () => {
  let dir: string;
  let world: TestEnv;
  afterEach(async () => {
    await world?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('missing payment mapping → NeedsAttention → mapping fixed in the settings file → retry → imported with it, no restart', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-byref-'));
    const settingsFile = path.join(dir, 'settings.yaml');
    const payment = DEMO_SETTINGS.mappings.payment.filter((m) => m.provider !== 'PAYU');
    const write = (mappings: { type: string; provider?: string; paymentForm: string }[]) =>
      fs.writeFileSync(
        settingsFile,
        stringify({ ...DEMO_SETTINGS, mappings: { ...DEMO_SETTINGS.mappings, payment: mappings } }),
      );
    write(payment);
    world = await startEnv({ settingsFile });
    const orderId = world.simulator.admin.addOrder({
      paymentType: 'ONLINE',
      paymentProvider: 'PAYU',
      status: 'READY_FOR_PROCESSING',
    });
    // No policy in the input: the workflow carries only the reference.
    const handle = await world.client.workflow.start(importOrder, {
      taskQueue: world.taskQueue,
      workflowId: orderWorkflowId(world.account, orderId),
      args: [{ account: world.account, checkoutFormId: orderId }],
    });
    const stuck = await progressWhen(handle, (p) => p.status === 'NeedsAttention', 'NeedsAttention');
    expect(stuck.reason).toMatch(/^unmapped-payment: /);

    // A person maps PayU to a form other than the demo's, in the file the worker was started with.
    write([...payment, { type: 'ONLINE', provider: 'PAYU', paymentForm: 'przelew' }]);
    await handle.signal(retrySignal);
    expect(await handle.result()).toMatchObject({ status: 'Imported' });

    const [document] = documentsOf(world, [orderId]);
    const form = world.optimaDb.company
      .prepare(
        'SELECT FPl_Nazwa FROM CDN.FormyPlatnosci WHERE FPl_FPlId = (SELECT TrN_FPlId FROM CDN.TraNag WHERE TrN_TrNID = ?)',
      )
      .get(document.TrN_TrNID) as { FPl_Nazwa: string };
    expect(form.FPl_Nazwa).toBe('przelew');
    const version = world.optimaDb.company
      .prepare("SELECT DAt_WartoscTxt FROM CDN.DokAtrybuty WHERE DAt_TrNId = ? AND DAt_Kod = 'ALLEGRO_USTAWIENIA'")
      .get(document.TrN_TrNID) as { DAt_WartoscTxt: string };
    expect(version.DAt_WartoscTxt).toBe(policyVersion(toImportPolicy(loadSettings({ file: settingsFile, env: {} }))));
    // The history holds no copy of the mappings.
    expect(JSON.stringify((await handle.fetchHistory()).events)).not.toContain('Allegro Przelewy24');
  });
});

/**
 * The stock and price export on the real dev server (issue 13): 1,000 linked offers with
 * stock changed on 37 send exactly 37 quantity changes and a second run none; a refusal shows
 * Allegro's reason and is not resent; an answer lost mid-command and a worker dying after the
 * command both resume without a change sent twice; a price jump over the guard waits; a foreign
 * marketplace gets its price in its currency at the NBP rate, or is listed when there is no rate.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { SqlOptimaGateway } from '../../activities/optima/gateway';
import { createNbpExchangeRates } from '../../activities/rates/nbp';
import type { AddedOffer } from '../../dev/allegro-simulator';
import { addGoods, setRetailPrice, setStock } from '../../dev/embedded-optima';
import { sqliteDriver } from '../../dev/embedded-optima/driver';
import { offerLinkKey } from '../../domain/products';
import { syncOffers } from '../../workflows/offer-sync';
import {
  approvePricesSignal,
  offerSyncStatusQuery,
  offerSyncWorkflowId,
  syncOffersNowSignal,
  type OfferSyncRulesInput,
  type OfferSyncStatus,
} from '../../workflows/offer-sync-definitions';
import { eventually, replayRunsOfThisFile, startEnv, type TestEnv } from './env';

jest.setTimeout(180_000);

let env: TestEnv;
let handle: WorkflowHandle<typeof syncOffers> | undefined;
afterEach(async () => {
  await handle?.terminate('test done');
  handle = undefined;
  await env.close();
});

/** `n` simulated offers, each linked to an Optima card with Allegro's own stock and price. */
async function linkedOffers(n: number): Promise<{ offers: AddedOffer[]; productIds: number[] }> {
  const offers = env.simulator.admin.addOffers(n);
  const productIds = addGoods(
    env.optimaDb.company,
    offers.map((o) => ({ code: o.externalId, name: o.name, priceGross: o.priceGross, vatRate: 23, stock: o.stock })),
  );
  const gateway = new SqlOptimaGateway(async () => sqliteDriver(env.optimaDb, { ownsOptima: false }), {
    operator: 'ADMIN',
  });
  for (const [i, offer] of offers.entries())
    await gateway.linkProduct(offerLinkKey(env.account, offer.offerId), productIds[i]);
  await gateway.close();
  return { offers, productIds };
}

async function startSync(
  marketplaces?: OfferSyncRulesInput['marketplaces'],
): Promise<WorkflowHandle<typeof syncOffers>> {
  handle = await env.client.workflow.start(syncOffers, {
    taskQueue: env.taskQueue,
    workflowId: offerSyncWorkflowId(env.account),
    args: [
      {
        account: env.account,
        everyMinutes: 600,
        rules: { warehouses: [], priceTypeNumber: 4, markupPercent: 0, priceGuardPercent: 30, marketplaces },
      },
    ],
  });
  return handle;
}

/** The status once run number `runs` finished (the first run starts with the workflow). */
function afterRun(sync: WorkflowHandle, runs: number): Promise<OfferSyncStatus> {
  return eventually(
    async () => {
      const status = await sync.query(offerSyncStatusQuery);
      if (status.lastError) throw new Error(status.lastError);
      return status.runs >= runs ? status : undefined;
    },
    `offer sync run ${runs}`,
    120_000,
  );
}

async function runAgain(sync: WorkflowHandle, runs: number): Promise<OfferSyncStatus> {
  await sync.signal(syncOffersNowSignal);
  return afterRun(sync, runs);
}

test('1,000 linked offers, stock changed on 37: exactly 37 quantity changes; a second run sends none', async () => {
  env = await startEnv({ seed: 1313 });
  const { offers, productIds } = await linkedOffers(1000);
  const sync = await startSync();
  const first = await afterRun(sync, 1);
  // First sight: Allegro already shows Optima's values, so nothing is sent.
  expect(first.lastRun).toMatchObject({ linkedOffers: 1000, quantityChanges: 0, priceChanges: 0, missingOnAllegro: 0 });

  const changed = Array.from({ length: 37 }, (_, i) => i * 27);
  for (const i of changed) setStock(env.optimaDb.company, productIds[i], { quantity: offers[i].stock + 5 + i });
  const second = await runAgain(sync, 2);
  expect(second.lastRun).toMatchObject({ quantityChanges: 37, priceChanges: 0, refused: 0 });
  expect(env.simulator.admin.stats().offerChanges).toEqual({ quantity: 37, price: 0 });
  for (const i of changed) expect(env.simulator.admin.getOffer(offers[i].offerId)?.stock).toBe(offers[i].stock + 5 + i);

  const third = await runAgain(sync, 3);
  expect(third.lastRun).toMatchObject({ quantityChanges: 0, priceChanges: 0 });
  expect(env.simulator.admin.stats().offerChanges).toEqual({ quantity: 37, price: 0 });
});

test("a refused offer shows Allegro's reason and is not sent again until Optima's value changes", async () => {
  env = await startEnv({ seed: 1314 });
  const { offers, productIds } = await linkedOffers(3);
  const sync = await startSync();
  await afterRun(sync, 1);
  env.simulator.admin.refuseOfferChanges(offers[0].offerId, 'Oferta zablokowana: naruszenie regulaminu');
  setStock(env.optimaDb.company, productIds[0], { quantity: 42 });
  const refused = await runAgain(sync, 2);
  expect(refused.refused).toEqual([
    expect.objectContaining({
      offerId: offers[0].offerId,
      field: 'quantity',
      value: '42',
      reason: 'Oferta zablokowana: naruszenie regulaminu',
    }),
  ]);
  const again = await runAgain(sync, 3);
  expect(again.lastRun).toMatchObject({ quantityChanges: 0, refused: 0 });
  expect(env.simulator.admin.stats().requests['PUT /sale/offer-quantity-change-commands/{commandId}']).toBe(1);
});

test('an answer lost mid-command, and a worker dying after the command: resumed, no change sent twice', async () => {
  env = await startEnv({ seed: 1315 });
  const { offers, productIds } = await linkedOffers(3);
  const sync = await startSync();
  await afterRun(sync, 1);

  env.simulator.admin.setFault({
    method: 'PUT',
    path: /^\/sale\/offer-quantity-change-commands\//,
    status: 503,
    afterServing: true,
  });
  setStock(env.optimaDb.company, productIds[1], { quantity: 77 });
  const lost = await runAgain(sync, 2);
  expect(lost.lastRun).toMatchObject({ quantityChanges: 1, refused: 0 });
  expect(env.simulator.admin.stats().faultsInjected).toBe(1);
  expect(env.simulator.admin.getOffer(offers[1].offerId)?.stock).toBe(77);

  const attemptsBefore = env.calls.get('sendOfferChanges') ?? 0;
  env.failAfter('sendOfferChanges', 1);
  setStock(env.optimaDb.company, productIds[2], { quantity: 78 });
  const died = await runAgain(sync, 3);
  expect(died.lastRun).toMatchObject({ quantityChanges: 1, refused: 0 });
  // The attempt that died after its command, and the retry that found it registered (409).
  expect(env.calls.get('sendOfferChanges')).toBe(attemptsBefore + 2);
  expect(env.simulator.admin.stats().offerChanges.quantity).toBe(2);
});

test('a price jump over the guard waits for a person; approved, it goes; a small change goes at once', async () => {
  env = await startEnv({ seed: 1316 });
  const { offers, productIds } = await linkedOffers(2);
  const sync = await startSync();
  await afterRun(sync, 1);
  const doubled = ((Number(offers[0].priceGross) * 200) / 100).toFixed(2);
  const nudged = ((Math.round(Number(offers[1].priceGross) * 100) + 1) / 100).toFixed(2);
  setRetailPrice(env.optimaDb.company, productIds[0], doubled);
  setRetailPrice(env.optimaDb.company, productIds[1], nudged);
  const held = await runAgain(sync, 2);
  expect(held.held).toEqual([expect.objectContaining({ offerId: offers[0].offerId, to: doubled })]);
  expect(held.lastRun).toMatchObject({ priceChanges: 1, held: 1 });
  expect(env.simulator.admin.getOffer(offers[0].offerId)?.priceGross).toBe(offers[0].priceGross);
  expect(env.simulator.admin.getOffer(offers[1].offerId)?.priceGross).toBe(nudged);

  await sync.signal(approvePricesSignal, { offerIds: [offers[0].offerId] });
  const approved = await afterRun(sync, 3);
  expect(approved.held).toEqual([]);
  expect(env.simulator.admin.getOffer(offers[0].offerId)?.priceGross).toBe(doubled);
  expect(env.simulator.admin.stats().offerChanges.price).toBe(2);
});

test('an offer on allegro.cz gets its CZK price from the NBP rate and the markup; no HUF rate: listed, not guessed', async () => {
  env = await startEnv({ seed: 1317 });
  const { offers } = await linkedOffers(2);
  env.nbp.admin.setMissing('HUF', true);
  const rates = createNbpExchangeRates({ baseUrl: env.nbp.url });
  const { rate } = await rates.rateBefore('CZK', new Date().toISOString().slice(0, 10));
  await rates.close();
  const sync = await startSync([
    { marketplace: 'allegro-cz', markupPercent: 5 },
    { marketplace: 'allegro-hu', markupPercent: 0 },
  ]);
  const first = await afterRun(sync, 1);
  // Whole crowns: the gross PLN price plus 5 %, at the stand-in's rate (PLN per crown).
  const czk = (pln: string) => `${Math.round((Number(pln) * 1.05) / Number(rate))}.00`;
  for (const offer of offers)
    expect(env.simulator.admin.getOffer(offer.offerId)?.additionalPrices['allegro-cz']).toBe(czk(offer.priceGross));
  expect(first.lastRun).toMatchObject({ quantityChanges: 0, priceChanges: 2, refused: 0, notPriced: 2 });
  expect(first.notPriced).toEqual(
    offers.map((o) => ({
      offerId: o.offerId,
      marketplace: 'allegro-hu',
      reason: expect.stringContaining('allegro-hu'),
    })),
  );
  const before = env.simulator.admin.getOffer(offers[0].offerId)?.additionalPrices['allegro-hu'];
  expect(env.simulator.admin.stats().offerChanges.price).toBe(2);

  const second = await runAgain(sync, 2);
  expect(second.lastRun).toMatchObject({ quantityChanges: 0, priceChanges: 0, notPriced: 2 });
  expect(env.simulator.admin.stats().offerChanges.price).toBe(2);
  expect(env.simulator.admin.getOffer(offers[0].offerId)?.additionalPrices['allegro-hu']).toBe(before);
  expect(env.simulator.admin.getOffer(offers[0].offerId)?.priceGross).toBe(offers[0].priceGross);
});

test('every run this file made replays against the current workflow code', async () => {
  env = await startEnv();
  const { replayed, failures } = await replayRunsOfThisFile();
  expect(failures).toEqual([]);
  expect(replayed).toBeGreaterThanOrEqual(5);
});

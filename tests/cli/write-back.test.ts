/**
 * The write-back commands against a real worker: `sync-offers` (start, `--now`, `--approve`,
 * `--json`), `watch-fulfilment` (start, `--now`, `--json`), and `status --json` carrying what
 * both workflows' queries answer. The tests share one world and run in order.
 */
import { addGoods, openEmbeddedOptima, setRetailPrice } from '../../dev/embedded-optima';
import type { AddedOffer } from '../../dev/allegro-simulator';
import { offerLinkKey } from '../../domain/products';
import { fulfilmentWorkflowId } from '../../workflows/fulfilment';
import { offerSyncWorkflowId, type OfferSyncStatus } from '../../workflows/offer-sync-definitions';
import type { FulfilmentStatus } from '../../starter/commands/fulfilment';
import { createWorld, eventually, type World } from './world';

jest.setTimeout(180_000);

let world: World;
let offers: AddedOffer[];
let productIds: number[];
beforeAll(async () => {
  world = await createWorld('cli-write-back');
  offers = world.simulator.admin.addOffers(2);
  const optima = openEmbeddedOptima({ file: world.optimaFile, seed: false });
  try {
    productIds = addGoods(
      optima.company,
      offers.map((o) => ({ code: o.externalId, name: o.name, priceGross: o.priceGross, vatRate: 23, stock: o.stock })),
    );
  } finally {
    optima.close();
  }
  for (const [i, offer] of offers.entries())
    await world.gateway.linkProduct(offerLinkKey(world.account, offer.offerId), productIds[i]);
  await world.startWorker();
});
afterAll(() => world?.close());

async function json<T>(argv: string[]): Promise<{ code: number; value: T }> {
  const { code, stdout, stderr } = await world.run([...argv, '--json']);
  expect(stderr).toBe('');
  // Lines the command says before its JSON (e.g. "Started …") come first.
  return { code, value: JSON.parse(stdout.slice(stdout.indexOf('{'))) as T };
}

/** The export's status once it finished run number `runs`. */
function syncAfter(runs: number): Promise<OfferSyncStatus> {
  return eventually(async () => {
    const { value } = await json<OfferSyncStatus>(['sync-offers']);
    expect(value.runs).toBeGreaterThanOrEqual(runs);
    return value;
  }, 120_000);
}

function withRetailPrice(productId: number, priceGross: string): void {
  const optima = openEmbeddedOptima({ file: world.optimaFile, seed: false });
  try {
    setRetailPrice(optima.company, productId, priceGross);
  } finally {
    optima.close();
  }
}

test('sync-offers starts the export of the account; its first run reads the linked offers and sends nothing', async () => {
  const first = await world.run(['sync-offers']);
  expect(first.stderr).toBe('');
  expect(first.stdout).toContain(`Started the stock and price export ${offerSyncWorkflowId(world.account)}`);
  const status = await syncAfter(1);
  expect(status).toMatchObject({ account: world.account, held: [], refused: [], lastError: null });
  expect(status.lastRun).toMatchObject({ linkedOffers: 2, quantityChanges: 0, priceChanges: 0 });

  const again = await world.run(['sync-offers']);
  expect(again.stdout).not.toContain('Started');
  expect(again.stdout).toContain('last run');
  expect(again.stdout).toContain('2 linked offers');
  expect(again.code).toBe(0);
});

test('sync-offers --now runs at once: a price jump over the guard is held and the command asks for attention', async () => {
  const doubled = (Number(offers[0].priceGross) * 2).toFixed(2);
  withRetailPrice(productIds[0], doubled);
  const now = await world.run(['sync-offers', '--now']);
  expect(now.stdout).toContain('A run starts now.');
  const held = await syncAfter(2);
  expect(held.held).toEqual([expect.objectContaining({ offerId: offers[0].offerId, to: doubled })]);

  const text = await world.run(['sync-offers']);
  expect(text.stdout).toContain('Prices over the 30% guard, waiting');
  expect(text.stdout).toMatch(new RegExp(`${offers[0].offerId} +${offers[0].priceGross} +${doubled}`));
  expect(text.code).toBe(3);
  expect(world.simulator.admin.getOffer(offers[0].offerId)?.priceGross).toBe(offers[0].priceGross);
});

test('sync-offers --approve --offer sends the held price at the run it starts', async () => {
  const doubled = (Number(offers[0].priceGross) * 2).toFixed(2);
  const approve = await world.run(['sync-offers', '--approve', '--offer', offers[0].offerId]);
  expect(approve.stdout).toContain(`Approved the held price of offer ${offers[0].offerId}`);
  const sent = await syncAfter(3);
  expect(sent.held).toEqual([]);
  expect(sent.lastRun).toMatchObject({ priceChanges: 1 });
  expect(world.simulator.admin.getOffer(offers[0].offerId)?.priceGross).toBe(doubled);
  expect((await world.run(['sync-offers'])).code).toBe(0);
});

test('watch-fulfilment starts the watcher; --now scans again', async () => {
  const { value: started } = await json<FulfilmentStatus>(['watch-fulfilment']);
  expect(started.account).toBe(world.account);
  expect(started).not.toHaveProperty('applied');
  const scanned = await eventually(async () => {
    const { value } = await json<FulfilmentStatus>(['watch-fulfilment']);
    expect(value.runs).toBeGreaterThanOrEqual(1);
    return value;
  }, 120_000);

  const now = await world.run(['watch-fulfilment', '--now']);
  expect(now.stdout).toContain(`Fulfilment watcher ${fulfilmentWorkflowId(world.account)}:`);
  await eventually(async () => {
    const { value } = await json<FulfilmentStatus>(['watch-fulfilment']);
    expect(value.runs).toBeGreaterThan(scanned.runs);
  }, 120_000);
});

test('status --json carries the export and the watcher as their queries answer them', async () => {
  const { value: report } = await json<{ offerSync?: OfferSyncStatus; fulfilment?: FulfilmentStatus }>(['status']);
  expect(report.offerSync).toMatchObject({
    account: world.account,
    runs: expect.any(Number),
    held: [],
    sent: { quantity: 0, price: 1 },
    rules: expect.objectContaining({ priceGuardPercent: 30 }),
  });
  expect(report.offerSync?.runs).toBeGreaterThanOrEqual(3);
  expect(report.fulfilment).toMatchObject({ account: world.account, statusesSet: 0, lastError: null });
  expect(report.fulfilment?.runs).toBeGreaterThanOrEqual(2);
  expect(report.fulfilment).not.toHaveProperty('applied');

  const text = await world.run(['status']);
  expect(text.stdout).toContain(`Stock and price export of "${world.account}":`);
  expect(text.stdout).toContain(`Fulfilment watcher ${fulfilmentWorkflowId(world.account)}:`);
});

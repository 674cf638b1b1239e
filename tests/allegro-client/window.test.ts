/**
 * iterateCheckoutForms against a fake Allegro holding more than 10,000 matching forms:
 * like Allegro, it refuses offset + limit > 10,000 with 422, so the client must split the
 * date window until each part fits.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  clientFor,
  memoryStoreWith,
  startFakeAllegro,
  syntheticForm,
  tokenPair,
  type FakeAllegro,
  type FakeRequest,
} from './fake-allegro';

const OFFSET_ERROR = JSON.parse(
  fs.readFileSync(
    path.resolve(
      __dirname,
      '../../../shared/reference/allegro/examples/api-error.422.offset-limit-exceeded.issue-4027.json',
    ),
    'utf8',
  ),
) as unknown;

interface Order {
  id: string;
  at: number;
}

/** `n` orders spread evenly from `from` with `stepMs` between them (several may share an instant). */
function orders(n: number, from: string, stepMs: number): Order[] {
  const start = Date.parse(from);
  return Array.from({ length: n }, (_, i) => ({
    id: `cf-${String(i).padStart(6, '0')}`,
    at: start + Math.floor(i * stepMs),
  }));
}

function fakeList(all: Order[]) {
  return (req: FakeRequest) => {
    const q = req.query;
    const offset = Number(q.get('offset') ?? 0);
    const limit = Number(q.get('limit') ?? 100);
    if (offset + limit > 10_000) return { status: 422, body: OFFSET_ERROR };
    const byUpdate = q.has('updatedAt.gte') || q.has('updatedAt.lte') || (q.get('sort') ?? '').includes('updatedAt');
    const gte = q.get(byUpdate ? 'updatedAt.gte' : 'lineItems.boughtAt.gte');
    const lte = q.get(byUpdate ? 'updatedAt.lte' : 'lineItems.boughtAt.lte');
    let match = all.filter(
      (o) => (gte === null || o.at >= Date.parse(gte)) && (lte === null || o.at <= Date.parse(lte)),
    );
    if ((q.get('sort') ?? '-lineItems.boughtAt').startsWith('-')) match = [...match].reverse();
    const page = match.slice(offset, offset + limit);
    return {
      status: 200,
      body: {
        checkoutForms: page.map((o) => syntheticForm(o.id, new Date(o.at).toISOString())),
        count: page.length,
        totalCount: match.length,
      },
    };
  };
}

let server: FakeAllegro | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function pagesWithinCap(s: FakeAllegro): boolean {
  return s.requests.every((r) => Number(r.query.get('offset')) + Number(r.query.get('limit')) <= 10_000);
}

test('25,000 forms in an open window: every form exactly once, no page beyond offset+limit 10,000', async () => {
  const all = orders(25_000, '2025-01-01T00:00:00.000Z', 1000 * 60 * 20); // one every 20 min ≈ 347 days
  server = await startFakeAllegro(fakeList(all));
  const client = clientFor(server.url, memoryStoreWith(tokenPair('a')), {
    now: () => new Date('2026-01-01T00:00:00Z'),
  });
  const seen = new Map<string, number>();
  try {
    for await (const form of client.iterateCheckoutForms({ status: 'READY_FOR_PROCESSING' })) {
      seen.set(form.id, (seen.get(form.id) ?? 0) + 1);
    }
  } finally {
    await client.close();
  }
  expect(seen.size).toBe(all.length);
  expect([...seen.values()].every((n) => n === 1)).toBe(true);
  expect(pagesWithinCap(server)).toBe(true);
  // The first (unbounded) request saw more than the cap, so the window was split.
  expect(server.requests[0].query.has('lineItems.boughtAt.gte')).toBe(false);
  const windows = new Set(
    server.requests.map((r) => `${r.query.get('lineItems.boughtAt.gte')}..${r.query.get('lineItems.boughtAt.lte')}`),
  );
  expect(windows.size).toBeGreaterThan(2);
  expect(server.requests.every((r) => r.query.get('status') === 'READY_FOR_PROCESSING')).toBe(true);
  expect(server.requests.every((r) => r.query.get('sort') === 'lineItems.boughtAt')).toBe(true);
  console.log(
    `window splitting: ${all.length} forms in ${server.requests.length} requests over ${windows.size} windows`,
  );
});

test('an updatedAt window sorted newest first comes out newest first, each form once', async () => {
  const all = orders(12_000, '2025-06-01T00:00:00.000Z', 1000 * 30); // one every 30 s
  server = await startFakeAllegro(fakeList(all));
  const client = clientFor(server.url, memoryStoreWith(tokenPair('a')));
  const times: number[] = [];
  const ids = new Set<string>();
  try {
    for await (const form of client.iterateCheckoutForms({
      updatedAtGte: '2025-06-01T00:00:00.000Z',
      updatedAtLte: '2025-07-01T00:00:00.000Z',
      sort: '-updatedAt',
    })) {
      times.push(Date.parse(form.updatedAt!));
      ids.add(form.id);
    }
  } finally {
    await client.close();
  }
  expect(ids.size).toBe(all.length);
  expect(times).toHaveLength(all.length);
  expect(times.every((t, i) => i === 0 || t <= times[i - 1])).toBe(true);
  expect(pagesWithinCap(server)).toBe(true);
  expect(server.requests.some((r) => r.query.get('updatedAt.lte') !== '2025-07-01T00:00:00.000Z')).toBe(true);
});

test('a window under the cap is paged without splitting', async () => {
  const all = orders(950, '2025-06-01T00:00:00.000Z', 1000);
  server = await startFakeAllegro(fakeList(all));
  const client = clientFor(server.url, memoryStoreWith(tokenPair('a')));
  let n = 0;
  try {
    for await (const _form of client.iterateCheckoutForms({ boughtAtGte: '2025-06-01T00:00:00.000Z' })) n++;
  } finally {
    await client.close();
  }
  expect(n).toBe(all.length);
  expect(server.requests).toHaveLength(Math.ceil(all.length / 100));
  expect(new Set(server.requests.map((r) => r.query.get('lineItems.boughtAt.gte')))).toEqual(
    new Set(['2025-06-01T00:00:00.000Z']),
  );
});

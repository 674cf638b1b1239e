/**
 * The simulator's knobs: rate limit (429, no Retry-After), injected faults and resets,
 * latency, the order stream, request statistics, the admin API over HTTP, headers Allegro
 * requires, and the standalone `main.ts`.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startAllegroSimulator, type AllegroSimulator } from '../../dev/allegro-simulator';
import { api, PUBLIC_V1, request, USER_AGENT } from './helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Allegro simulator: knobs', () => {
  let sim: AllegroSimulator;
  let client: ReturnType<typeof api>;

  beforeEach(async () => {
    sim = await startAllegroSimulator({ seed: 4 });
    client = api(sim, sim.admin.issueTokens().accessToken);
  });
  afterEach(() => sim.close());

  test('rate limit: N requests per minute per client, then 429 with an ErrorsHolder and no Retry-After', async () => {
    sim.admin.setRateLimit(5);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await client.get('/order/event-stats')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await client.get<{ errors: { code: string }[] }>('/order/events');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(limited.body.errors[0].code).toBe('TooManyRequests');
    expect(sim.admin.stats().rateLimited).toBe(3);
    sim.admin.setRateLimit(null);
    expect((await client.get('/order/event-stats')).status).toBe(200);
  });

  test('rateLimitPerMinute at start counts API calls only, not OAuth', async () => {
    const limited = await startAllegroSimulator({ rateLimitPerMinute: 1, deviceIntervalSeconds: 0 });
    try {
      const c = api(limited, limited.admin.issueTokens().accessToken);
      expect((await c.get('/order/events')).status).toBe(200);
      expect((await c.get('/order/events')).status).toBe(429);
      const headers = {
        Authorization: `Basic ${Buffer.from(`${limited.clientId}:${limited.clientSecret}`).toString('base64')}`,
      };
      expect((await request(`${limited.url}/auth/oauth/device`, { method: 'POST', headers })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  test('faults: a status N times, by exact path or RegExp, then normal answers', async () => {
    sim.admin.setFault({ path: '/order/events', status: 503, times: 2 });
    sim.admin.setFault({ path: /^\/order\/checkout-forms\/[^/]+$/, status: 500, body: { errors: [{ code: 'BOOM' }] } });
    const id = sim.admin.addOrder();
    expect((await client.get('/order/events')).status).toBe(503);
    expect((await client.get('/order/events')).status).toBe(503);
    expect((await client.get('/order/events')).status).toBe(200);
    const boom = await client.get(`/order/checkout-forms/${id}`);
    expect([boom.status, boom.body]).toEqual([500, { errors: [{ code: 'BOOM' }] }]);
    expect((await client.get(`/order/checkout-forms/${id}`)).status).toBe(200);
    expect(sim.admin.stats().faultsInjected).toBe(3);

    sim.admin.setFault({ path: '/auth/oauth/token', status: 502, times: Infinity });
    for (let i = 0; i < 3; i++)
      expect((await request(`${sim.url}/auth/oauth/token`, { method: 'POST' })).status).toBe(502);
    sim.admin.clearFaults();
    expect((await request(`${sim.url}/auth/oauth/token`, { method: 'POST' })).status).toBe(401);
  });

  test('faults: connection reset, and slow answers', async () => {
    sim.admin.setFault({ path: '/order/event-stats', reset: true });
    await expect(client.get('/order/event-stats')).rejects.toThrow();
    expect((await client.get('/order/event-stats')).status).toBe(200);

    sim.admin.setFault({ path: '/order/event-stats', delayMs: 150 });
    const started = Date.now();
    expect((await client.get('/order/event-stats')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  test('stream: orders arrive at random moments at the given rate, not on a beat', async () => {
    const readyEvents = async () =>
      (await client.get<{ events: { occurredAt: string }[] }>('/order/events?type=READY_FOR_PROCESSING&limit=1000'))
        .body.events;
    const before = (await readyEvents()).length;
    sim.admin.startStream({ perSecond: 50, seed: 7 });
    await sleep(1200);
    sim.admin.stopStream();
    const times = (await readyEvents()).slice(before).map((e) => Date.parse(e.occurredAt));
    expect(times.length).toBeGreaterThan(30);
    expect(times.length).toBeLessThan(100);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    // Exponential gaps: some far shorter and some far longer than the mean (a beat's are all equal).
    expect(Math.min(...gaps)).toBeLessThan(mean / 2);
    expect(Math.max(...gaps)).toBeGreaterThan(2 * mean);
  });

  test('latency applies to every answer', async () => {
    sim.admin.setLatency(80);
    const started = Date.now();
    for (let i = 0; i < 3; i++) await client.get('/order/event-stats');
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 75);
  });

  test('stream: orders keep arriving until stopped', async () => {
    sim.admin.startStream({ perSecond: 100 });
    for (let i = 0; i < 100 && sim.admin.stats().orders < 10; i++) await sleep(20);
    expect(sim.admin.stats().orders).toBeGreaterThanOrEqual(10);
    sim.admin.stopStream();
    const stopped = sim.admin.stats().orders;
    await sleep(100);
    expect(sim.admin.stats().orders).toBe(stopped);
    const events = await client.get<{ events: { type: string }[] }>(
      '/order/events?type=READY_FOR_PROCESSING&limit=1000',
    );
    expect(events.body.events.length).toBeGreaterThanOrEqual(stopped);
  });

  test('stats count requests by route; resetStats starts over', async () => {
    const id = sim.admin.addOrder();
    await client.get('/order/events');
    await client.get('/order/events?from=1');
    await client.get(`/order/checkout-forms/${id}`);
    await client.get('/nothing/here');
    expect(sim.admin.stats().requests).toEqual({
      'GET /order/events': 2,
      'GET /order/checkout-forms/{id}': 1,
      'GET (unknown)': 1,
    });
    sim.admin.resetStats();
    expect(sim.admin.stats()).toMatchObject({ tokensIssued: 0, orders: 1 });
    expect(sim.admin.stats().requests).toEqual({});
  });

  test('Allegro headers: Accept public.v1 (406), User-Agent (403), Trace-Id on every answer', async () => {
    const id = sim.admin.addOrder();
    const wrongAccept = await client.get(`/order/checkout-forms/${id}`, { Accept: 'application/json' });
    expect(wrongAccept.status).toBe(406);
    const noAgent = await api(sim, sim.admin.issueTokens().accessToken, { 'User-Agent': 'node' }).get('/order/events');
    expect(noAgent.status).toBe(403);
    const ok = await client.get(`/order/checkout-forms/${id}`);
    expect(ok.headers.get('content-type')).toBe(PUBLIC_V1);
    const answers = [wrongAccept, noAgent, ok, await request(`${sim.url}/auth/oauth/token`, { method: 'POST' })];
    const traceIds = answers.map((a) => a.headers.get('trace-id'));
    for (const t of traceIds) expect(t).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(traceIds).size).toBe(traceIds.length);
  });

  test('admin over HTTP: POST /__admin/<method> {"args": [...]}', async () => {
    const call = (name: string, ...args: unknown[]) =>
      request<{ result?: unknown; error?: string }>(`${sim.url}/__admin/${name}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ args }),
      });
    const added = await call('addOrder', { buyer: 'company', status: 'FILLED_IN' });
    const id = added.body.result as string;
    expect((await call('listOrderIds')).body.result).toEqual([id]);
    expect((await call('getOrder', id)).body.result).toMatchObject({
      id,
      status: 'FILLED_IN',
      buyer: { guest: false },
    });
    expect((await call('advance', id, 'READY_FOR_PROCESSING')).status).toBe(200);
    expect(sim.admin.getOrder(id)?.status).toBe('READY_FOR_PROCESSING');
    expect(((await call('addOrders', 3, { status: 'BOUGHT' })).body.result as string[]).length).toBe(3);

    await call('setFault', { pathRegex: '^/order/event', status: 418, times: 'Infinity' });
    expect((await client.get('/order/events')).status).toBe(418);
    expect((await client.get('/order/event-stats')).status).toBe(418);
    await call('clearFaults');
    const tokens = (await call('issueTokens')).body.result as { accessToken: string };
    expect((await api(sim, tokens.accessToken).get('/order/events')).status).toBe(200);
    expect((await call('stats')).body.result).toMatchObject({ orders: 4 });

    const unknown = await call('advance', 'no-such-order', 'READY_FOR_PROCESSING');
    expect([unknown.status, unknown.body.error]).toEqual([400, 'unknown order no-such-order']);
    expect((await call('constructor')).status).toBe(404);
  });

  test('close() stops the server', async () => {
    const other = await startAllegroSimulator();
    await other.close();
    await expect(fetch(`${other.url}/order/events`)).rejects.toThrow();
  });
});

describe('Allegro simulator: standalone main.ts', () => {
  test('starts on the given port with a backlog and answers', async () => {
    const root = path.resolve(__dirname, '../..');
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'node_modules/tsx/dist/cli.mjs'),
        'dev/allegro-simulator/main.ts',
        '--port',
        '0',
        '--seed',
        '3',
        '--orders',
        '12',
        '--auto-approve',
      ],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`main.ts exited with ${code}: ${out}`)));
      });
      const stats = await request<{ result: { orders: number } }>(`${url}/__admin/stats`, { method: 'POST' });
      expect(stats.body.result.orders).toBe(12);
      const tokens = await request<{ result: { accessToken: string } }>(`${url}/__admin/issueTokens`, {
        method: 'POST',
      });
      const events = await request<{ events: unknown[] }>(`${url}/order/events`, {
        headers: {
          Authorization: `Bearer ${tokens.body.result.accessToken}`,
          Accept: PUBLIC_V1,
          'User-Agent': USER_AGENT,
        },
      });
      expect(events.body.events.length).toBeGreaterThanOrEqual(12);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

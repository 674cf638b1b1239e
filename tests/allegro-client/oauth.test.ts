import fs from 'node:fs';
import path from 'node:path';
import {
  authorizeDevice,
  DeviceFlowError,
  formatUserCode,
  pollDeviceToken,
  refreshAccessToken,
  startDeviceAuthorization,
  type DeviceAuthorization,
  type OAuthConfig,
} from '../../activities/allegro/oauth';
import { MemoryTokenStore } from '../../activities/allegro/token-store';
import { PermanentError, TransientError } from '../../domain/errors';
import { CLIENT_ID, CLIENT_SECRET, startFakeAllegro, type FakeAllegro, type FakeReply } from './fake-allegro';

const EXAMPLES = path.resolve(__dirname, '../../../shared/reference/allegro/examples');
const example = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(EXAMPLES, name), 'utf8'));

let server: FakeAllegro | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const config = (url: string): OAuthConfig => ({ authUrl: url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

/** A fake clock moved only by the fake sleep: polling runs instantly but sees time pass. */
function fakeTime(start = Date.parse('2026-03-01T12:00:00Z')) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => new Date(now),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

const TOKEN_ANSWER = example('oauth-token.response.docs-device-flow.json');

/** Device endpoint from the example; the token endpoint answers the scripted replies in turn. */
async function deviceServer(script: FakeReply[]): Promise<FakeAllegro> {
  let i = 0;
  return startFakeAllegro((req) => {
    if (req.path === '/auth/oauth/device') return { status: 200, body: example('oauth-device-code.response.json') };
    if (req.path === '/auth/oauth/token') return script[Math.min(i++, script.length - 1)];
    return { status: 404 };
  });
}

const pending: FakeReply = { status: 400, body: example('oauth-error.authorization_pending.issue-2429.json') };

test('device flow: authorization_pending, slow_down, then a token; interval grows on slow_down', async () => {
  server = await deviceServer([
    pending,
    { status: 400, body: { error: 'slow_down' } },
    pending,
    { status: 200, body: TOKEN_ANSWER },
  ]);
  const time = fakeTime();
  const store = new MemoryTokenStore();
  const prompts: DeviceAuthorization[] = [];
  const pendings: boolean[] = [];
  const token = await authorizeDevice(config(server.url), {
    account: 'shop',
    store,
    scopes: ['allegro:api:orders:read', 'allegro:api:orders:write'],
    onPrompt: (d) => void prompts.push(d),
    onPending: (p) => void pendings.push(p.slowDown),
    now: time.now,
    sleep: time.sleep,
  });

  expect(prompts).toHaveLength(1);
  expect(prompts[0]).toMatchObject({
    userCode: 'kvntgmijf',
    intervalSeconds: 5,
    verificationUriComplete: 'https://allegro.pl/skojarz-aplikacje?code=kvntgmijf',
  });
  expect(time.sleeps).toEqual([5000, 5000, 10000, 10000]);
  expect(pendings).toEqual([false, true, false]);
  expect(token.accessToken).toBe('eyJ...dUA');
  expect(token.refreshToken).toBe('eyJ...SDA');
  expect(Date.parse(token.expiresAt) - Date.parse(token.obtainedAt)).toBe(43199 * 1000);
  expect(await store.load('shop')).toEqual(token);

  const [device, ...polls] = server.requests;
  const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
  expect(device.headers.authorization).toBe(basic);
  expect(Object.fromEntries(new URLSearchParams(device.body))).toEqual({
    client_id: CLIENT_ID,
    scope: 'allegro:api:orders:read allegro:api:orders:write',
  });
  expect(polls).toHaveLength(4);
  for (const poll of polls) {
    expect(poll.headers.authorization).toBe(basic);
    expect(Object.fromEntries(new URLSearchParams(poll.body))).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: '8bxwX9zPx26C29n9yWXMHDWESrVbgaZZ',
    });
  }
});

test('numbers sent as strings (the docs sample) are accepted', async () => {
  server = await startFakeAllegro(() => ({
    status: 200,
    body: {
      device_code: 'dc',
      user_code: 'abcdefghi',
      expires_in: '3600',
      interval: '5',
      verification_uri: 'https://allegro.pl/skojarz-aplikacje',
    },
  }));
  const device = await startDeviceAuthorization(config(server.url), { now: () => new Date(0) });
  expect(device.expiresAt.getTime()).toBe(3_600_000);
  expect(device.intervalSeconds).toBe(5);
  expect(formatUserCode(device.userCode)).toBe('abc def ghi');
});

test.each([
  ['access_denied', { error: 'access_denied' }, 'access_denied'],
  [
    'invalid_request / Invalid device code (real body)',
    example('oauth-error.invalid-device-code.issue-11017.json'),
    'invalid_device_code',
  ],
  ['"Invalid device code" as the error (docs sample)', { error: 'Invalid device code' }, 'invalid_device_code'],
  ['unknown 400', { error: 'server_error_x' }, 'server_error_x'],
])('device flow stops on %s', async (_label, body, reason) => {
  server = await deviceServer([pending, { status: 400, body }]);
  const time = fakeTime();
  const cfg = config(server.url);
  const device = await startDeviceAuthorization(cfg, { now: time.now });
  const error = await pollDeviceToken(cfg, device, { now: time.now, sleep: time.sleep }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DeviceFlowError);
  expect(error).toBeInstanceOf(PermanentError);
  expect((error as DeviceFlowError).reason).toBe(reason);
  expect(server.count('POST', '/auth/oauth/token')).toBe(2);
});

test('device flow stops when the codes expire, without polling past expires_in', async () => {
  server = await deviceServer([pending]);
  const time = fakeTime();
  const cfg = config(server.url);
  const device = await startDeviceAuthorization(cfg, { now: time.now });
  const error = await pollDeviceToken(cfg, device, { now: time.now, sleep: time.sleep }).catch((e: unknown) => e);
  expect((error as DeviceFlowError).reason).toBe('expired_token');
  // 3600 s at 5 s: the last poll starts no later than the expiry.
  expect(server.count('POST', '/auth/oauth/token')).toBe(3600 / 5);
  expect(time.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3600 * 1000);
});

test('device flow polls through 5xx and 429 (the latter slows down)', async () => {
  server = await deviceServer([{ status: 503 }, { status: 429 }, { status: 200, body: TOKEN_ANSWER }]);
  const time = fakeTime();
  const cfg = config(server.url);
  const device = await startDeviceAuthorization(cfg, { now: time.now });
  const token = await pollDeviceToken(cfg, device, { now: time.now, sleep: time.sleep });
  expect(token.accessToken).toBe('eyJ...dUA');
  expect(time.sleeps).toEqual([5000, 5000, 10000]);
});

test('refresh grant: new pair on 200; invalid_grant is PermanentError without the refresh token', async () => {
  const spent = 'ss.xxx.LtjtP-lK2VdP-ss-sss-ss-ss-BXFSkDS7ZPaXmmZj8-ss-ff';
  server = await startFakeAllegro((req) => {
    const form = new URLSearchParams(req.body);
    if (form.get('refresh_token') === 'good-refresh-token') return { status: 200, body: TOKEN_ANSWER };
    return {
      status: 400,
      headers: { 'trace-id': 'trace-grant' },
      body: example('oauth-error.invalid-refresh-token.issue-6733.json'),
    };
  });
  const cfg = config(server.url);
  const token = await refreshAccessToken(cfg, 'good-refresh-token', () => new Date('2026-01-01T00:00:00Z'));
  expect(token).toEqual({
    accessToken: 'eyJ...dUA',
    refreshToken: 'eyJ...SDA',
    expiresAt: new Date(Date.parse('2026-01-01T00:00:00Z') + 43199_000).toISOString(),
    obtainedAt: '2026-01-01T00:00:00.000Z',
    scope: 'allegro_api',
  });
  expect(Object.fromEntries(new URLSearchParams(server.requests[0].body))).toEqual({
    grant_type: 'refresh_token',
    refresh_token: 'good-refresh-token',
  });

  const error = await refreshAccessToken(cfg, spent).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PermanentError);
  expect((error as PermanentError).details).toMatchObject({
    code: 'invalid_grant',
    status: 400,
    traceId: 'trace-grant',
  });
  expect(`${(error as Error).message}${JSON.stringify(error)}`).not.toContain('LtjtP');
});

test('refresh grant: 5xx and network errors are TransientError', async () => {
  server = await startFakeAllegro(() => ({ status: 502, body: '<html>bad gateway</html>' }));
  const error = await refreshAccessToken(config(server.url), 'r').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TransientError);
  const url = server.url;
  await server.close();
  server = undefined;
  const offline = await refreshAccessToken(config(url), 'r').catch((e: unknown) => e);
  expect(offline).toBeInstanceOf(TransientError);
});

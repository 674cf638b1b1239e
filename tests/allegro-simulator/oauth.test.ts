/**
 * OAuth like Allegro's (CONTRACT.md §2, PITFALLS.md E): device flow with pending/slow_down/
 * access_denied and one-shot device codes, single-use refresh tokens, expiring access tokens.
 */
import { startAllegroSimulator, type AllegroSimulator } from '../../dev/allegro-simulator';
import { api, oauth, PUBLIC_V1, request, USER_AGENT } from './helpers';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

interface DeviceAnswer {
  device_code: string;
  user_code: string;
  interval: number;
  expires_in: number;
  verification_uri: string;
  verification_uri_complete: string;
}
interface TokenAnswer {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  error?: string;
  error_description?: string;
}

describe('Allegro simulator: OAuth', () => {
  let clock = Date.parse('2026-03-02T10:00:00.000Z');
  const sims: AllegroSimulator[] = [];
  const start = async (opts: Parameters<typeof startAllegroSimulator>[0] = {}) => {
    const sim = await startAllegroSimulator({ now: () => new Date(clock), ...opts });
    sims.push(sim);
    return sim;
  };
  const poll = (sim: AllegroSimulator, deviceCode: string) =>
    oauth<TokenAnswer>(sim, 'token', { grant_type: DEVICE_GRANT, device_code: deviceCode });
  const device = async (sim: AllegroSimulator) =>
    (await oauth<DeviceAnswer>(sim, 'device', { client_id: sim.clientId })).body;

  afterAll(() => Promise.all(sims.map((s) => s.close())));

  test('device flow: pending, approve, tokens once; the code is then invalid', async () => {
    const sim = await start({ deviceIntervalSeconds: 0, clientId: 'my-app', clientSecret: 's3cret' });
    const d = await device(sim);
    expect(d).toMatchObject({ expires_in: 3600, interval: 0, verification_uri: `${sim.url}/skojarz-aplikacje` });
    expect(d.verification_uri_complete).toBe(`${sim.url}/skojarz-aplikacje?code=${d.user_code}`);
    const pending = await poll(sim, d.device_code);
    expect([pending.status, pending.body.error]).toEqual([400, 'authorization_pending']);
    sim.admin.approveDevice(d.user_code);
    const granted = await poll(sim, d.device_code);
    expect(granted.status).toBe(200);
    expect(granted.body.expires_in).toBe(43199);
    const payload = JSON.parse(Buffer.from(granted.body.access_token.split('.')[1], 'base64url').toString()) as {
      user_name: string;
    };
    expect(payload.user_name).toBe('44001122');
    expect((await api(sim, granted.body.access_token).get('/order/events')).status).toBe(200);
    const again = await poll(sim, d.device_code);
    expect([again.status, again.body.error, again.body.error_description]).toEqual([
      400,
      'invalid_request',
      'Invalid device code',
    ]);
    expect(() => sim.admin.approveDevice(d.user_code)).toThrow(/no pending device authorisation/);
  });

  test('slow_down when polled faster than the interval', async () => {
    const sim = await start(); // Allegro's interval: 5 s
    const d = await device(sim);
    expect(d.interval).toBe(5);
    expect((await poll(sim, d.device_code)).body.error).toBe('authorization_pending');
    expect((await poll(sim, d.device_code)).body.error).toBe('slow_down');
  });

  test('access_denied when the person refuses; expired codes are invalid', async () => {
    const sim = await start({ deviceIntervalSeconds: 0 });
    const refused = await device(sim);
    sim.admin.denyDevice(refused.user_code);
    expect((await poll(sim, refused.device_code)).body.error).toBe('access_denied');
    const late = await device(sim);
    clock += 3601_000;
    expect((await poll(sim, late.device_code)).body.error_description).toBe('Invalid device code');
  });

  test('autoApproveDevice and the approval page at verification_uri', async () => {
    const auto = await start({ autoApproveDevice: true, deviceIntervalSeconds: 0 });
    expect((await poll(auto, (await device(auto)).device_code)).status).toBe(200);

    const sim = await start({ deviceIntervalSeconds: 0 });
    const d = await device(sim);
    const page = await request<string>(d.verification_uri_complete);
    expect(page.status).toBe(200);
    expect(page.body).toContain(d.user_code);
    const decided = await request<string>(d.verification_uri, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: d.user_code.toUpperCase(), decision: 'approve' }).toString(),
    });
    expect(decided.body).toContain('Decision saved');
    expect((await poll(sim, d.device_code)).status).toBe(200);
  });

  test('refresh tokens work once; each refresh gives a new pair', async () => {
    const sim = await start();
    const first = sim.admin.issueTokens();
    const r1 = await oauth<TokenAnswer>(sim, 'token', {
      grant_type: 'refresh_token',
      refresh_token: first.refreshToken,
    });
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).not.toBe(first.refreshToken);
    expect(r1.body.access_token).not.toBe(first.accessToken);
    const reuse = await oauth<TokenAnswer>(sim, 'token', {
      grant_type: 'refresh_token',
      refresh_token: first.refreshToken,
    });
    expect([reuse.status, reuse.body.error]).toEqual([400, 'invalid_grant']);
    expect(reuse.body.error_description).toMatch(/^Invalid refresh token: /);
    const r2 = await oauth<TokenAnswer>(sim, 'token', {
      grant_type: 'refresh_token',
      refresh_token: r1.body.refresh_token,
    });
    expect(r2.status).toBe(200);
    expect(sim.admin.stats().tokenRefreshes).toBe(2);
    const wrongClient = await oauth(
      sim,
      'token',
      { grant_type: 'refresh_token', refresh_token: r2.body.refresh_token },
      'nope',
    );
    expect(wrongClient.status).toBe(401);
    expect(wrongClient.body).toEqual({ error: 'invalid_client', error_description: 'Bad client credentials' });
    expect((await oauth(sim, 'token', { grant_type: 'password' })).body.error).toBe('unsupported_grant_type');
  });

  test('access tokens expire (TTL on the clock, or all at once) → 401 invalid_token', async () => {
    const sim = await start({ accessTokenTtlSeconds: 60 });
    const { accessToken } = sim.admin.issueTokens();
    const client = api(sim, accessToken);
    expect((await client.get('/order/event-stats')).status).toBe(200);
    clock += 61_000;
    const expired = await client.get<{ error: string; error_description: string }>('/order/event-stats');
    expect(expired.status).toBe(401);
    expect(expired.body.error).toBe('invalid_token');
    expect(expired.body.error_description).toMatch(/^Access token expired/);

    const fresh = api(sim, sim.admin.issueTokens().accessToken);
    expect((await fresh.get('/order/event-stats')).status).toBe(200);
    sim.admin.expireAccessTokens();
    expect((await fresh.get('/order/event-stats')).status).toBe(401);
    expect((await api(sim, sim.admin.issueTokens().accessToken).get('/order/event-stats')).status).toBe(200);
    expect(sim.admin.stats().unauthorized).toBe(2);
  });

  test('no or unknown bearer token → 401 with the AuthError body', async () => {
    const sim = await start();
    const none = await request<{ error: string }>(`${sim.url}/order/events`, {
      headers: { 'User-Agent': USER_AGENT, Accept: PUBLIC_V1 },
    });
    expect([none.status, none.body.error]).toEqual([401, 'unauthorized']);
    const unknown = await api(sim, 'eyJhbGciOi.eyJ1c2VyX25hbWUiOi.sig').get('/order/events');
    expect(unknown.body).toEqual({ error: 'invalid_token', error_description: 'Cannot convert access token to JSON' });
  });
});

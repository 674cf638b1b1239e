import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec } from '../../encryption/codec';
import { startCodecServer, type RunningCodecServer } from '../../encryption/codec-server';
import { BUYER, keyring, OLD_KEY } from './fixtures';

const UI_ORIGIN = 'http://localhost:8233';
const TOKEN = 'test-token-not-a-secret';

const toJson = (payload: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
  ),
  data: Buffer.from(payload.data ?? []).toString('base64'),
});

const fromJson = (json: { metadata: Record<string, string>; data: string }): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(json.metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
  ),
  data: Buffer.from(json.data, 'base64'),
});

type Body = { payloads: { metadata: Record<string, string>; data: string }[] };

describe('the codec server', () => {
  const codec = new EncryptionCodec(keyring(OLD_KEY));
  let open: RunningCodecServer;
  let guarded: RunningCodecServer;

  beforeAll(async () => {
    open = await startCodecServer({ codec });
    guarded = await startCodecServer({ codec, bearerToken: TOKEN, corsOrigins: [UI_ORIGIN, 'https://ui.example'] });
  });
  afterAll(() => Promise.all([open.close(), guarded.close()]));

  const post = (server: RunningCodecServer, path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('listens on loopback by default', () => {
    expect(open.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('encodes and decodes payloads in Temporal JSON format over HTTP', async () => {
    const plain = { payloads: [toJson(defaultPayloadConverter.toPayload(BUYER))] };
    const encodedResponse = await post(open, '/encode', plain);
    expect(encodedResponse.status).toBe(200);
    const encoded = (await encodedResponse.json()) as Body;
    expect(Buffer.from(encoded.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(JSON.stringify(encoded)).not.toContain(BUYER.email);
    expect(Buffer.from(encoded.payloads[0].data, 'base64').includes(BUYER.email)).toBe(false);

    const decodedResponse = await post(open, '/decode', encoded);
    expect(decodedResponse.status).toBe(200);
    const decoded = (await decodedResponse.json()) as Body;
    expect(decoded).toEqual(plain);
    expect(defaultPayloadConverter.fromPayload(fromJson(decoded.payloads[0]))).toEqual(BUYER);
  });

  it('answers the Web UI preflight with its origin and the X-Namespace and Authorization headers', async () => {
    const response = await fetch(`${guarded.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: UI_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-namespace,authorization',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = response.headers.get('access-control-allow-headers')!.toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['x-namespace', 'authorization', 'content-type']));
  });

  it('gives an origin outside the configured ones no CORS headers', async () => {
    const response = await fetch(`${open.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('puts the CORS origin on the answer to the POST itself', async () => {
    const response = await post(
      guarded,
      '/decode',
      { payloads: [] },
      { Origin: 'https://ui.example', Authorization: `Bearer ${TOKEN}` },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://ui.example');
    expect(await response.json()).toEqual({ payloads: [] });
  });

  it('with a token configured, refuses requests without it or with a wrong one', async () => {
    const body = { payloads: [toJson(defaultPayloadConverter.toPayload(BUYER))] };
    expect((await post(guarded, '/encode', body)).status).toBe(401);
    expect((await post(guarded, '/decode', body, { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(guarded, '/encode', body, { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('explains bad requests: not JSON, wrong shape, unknown key id, unknown path', async () => {
    const notJson = await post(open, '/decode', '{');
    expect([notJson.status, await notJson.json()]).toEqual([400, { error: 'Body is not JSON' }]);
    const noList = await post(open, '/decode', { payload: [] });
    expect([noList.status, await noList.json()]).toEqual([400, { error: 'Body must be { "payloads": [...] }' }]);
    const badData = await post(open, '/decode', { payloads: [{ metadata: {}, data: 42 }] });
    expect([badData.status, await badData.json()]).toEqual([
      400,
      { error: 'payloads[0].data must be a base64 string' },
    ]);
    const foreign = toJson({
      metadata: { encoding: Buffer.from('binary/encrypted'), 'encryption-key-id': Buffer.from('k7') },
      data: Buffer.alloc(40),
    });
    const unknownKey = await post(open, '/decode', { payloads: [foreign] });
    expect(unknownKey.status).toBe(400);
    expect(((await unknownKey.json()) as { error: string }).error).toContain('key id "k7"');
    expect((await post(open, '/other', { payloads: [] })).status).toBe(404);
    expect((await fetch(`${open.url}/decode`)).status).toBe(405);
  });
});

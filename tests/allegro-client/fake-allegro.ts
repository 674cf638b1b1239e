/**
 * A scriptable stand-in for Allegro on 127.0.0.1 (API and /auth/oauth/* on one origin),
 * recording every request so tests count calls at the server, not in the client.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AllegroClient, type AllegroClientOptions } from '../../activities/allegro/client';
import { MemoryTokenStore, type StoredToken, type TokenStore } from '../../activities/allegro/token-store';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer after this long (to overlap concurrent calls). */
  delayMs?: number;
}

export type FakeHandler = (req: FakeRequest) => FakeReply | Promise<FakeReply>;

export interface FakeAllegro {
  url: string;
  requests: FakeRequest[];
  count(method: string, path: string): number;
  close(): Promise<void>;
}

export async function startFakeAllegro(handler: FakeHandler): Promise<FakeAllegro> {
  const requests: FakeRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const fake: FakeRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(fake);
      Promise.resolve(handler(fake))
        .then(async (reply) => {
          if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
          const text =
            reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
          res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
          res.end(text);
        })
        .catch((error: unknown) => {
          res.writeHead(599);
          res.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (method, path) => requests.filter((r) => r.method === method && r.path === path).length,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

export const CLIENT_ID = 'test-client-id';
export const CLIENT_SECRET = 'test-client-secret';

/** A token pair valid for an hour from `now`, or already expired with `expired`. */
export function tokenPair(name: string, opts: { expired?: boolean; now?: Date } = {}): StoredToken {
  const now = opts.now ?? new Date();
  return {
    // JWT-looking, like Allegro's, so redaction is tested against the real shape.
    accessToken: `eyJhbGciOiJSUzI1NiJ9.eyJ1c2VyX25hbWUiOiIke${name}YWNjZXNz.c2lnbmF0dXJl${name}`,
    refreshToken: `refresh-${name}-0123456789abcdef`,
    expiresAt: new Date(now.getTime() + (opts.expired ? -1000 : 3_600_000)).toISOString(),
    obtainedAt: now.toISOString(),
  };
}

export function clientFor(url: string, store: TokenStore, extra: Partial<AllegroClientOptions> = {}): AllegroClient {
  return new AllegroClient({
    account: 'shop',
    target: { baseUrl: url },
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    tokenStore: store,
    ...extra,
  });
}

/**
 * Token endpoint + bearer check: the API accepts only `valid` access tokens; a refresh with
 * the current refresh token rotates the pair (the old refresh token stops working).
 */
export class TokenAuthority {
  private generation = 0;
  current: StoredToken;
  refreshes = 0;
  refreshDelayMs = 0;

  constructor(initial: StoredToken) {
    this.current = initial;
  }

  /** Returns a reply for /auth/oauth/token or a 401 for a bad bearer; undefined: carry on. */
  handle(req: FakeRequest): FakeReply | undefined {
    if (req.path === '/auth/oauth/token') {
      const form = new URLSearchParams(req.body);
      if (form.get('grant_type') !== 'refresh_token') return { status: 400, body: { error: 'unsupported_grant_type' } };
      this.refreshes += 1;
      if (form.get('refresh_token') !== this.current.refreshToken) {
        return {
          status: 400,
          body: { error: 'invalid_grant', error_description: `Invalid refresh token: ${form.get('refresh_token')}` },
        };
      }
      this.generation += 1;
      this.current = tokenPair(`gen${this.generation}`);
      return {
        status: 200,
        delayMs: this.refreshDelayMs,
        body: {
          access_token: this.current.accessToken,
          token_type: 'bearer',
          refresh_token: this.current.refreshToken,
          expires_in: 43199,
          scope: 'allegro:api:orders:read',
          allegro_api: true,
          jti: `jti-${this.generation}`,
        },
      };
    }
    if (req.headers.authorization !== `Bearer ${this.current.accessToken}`) {
      return {
        status: 401,
        headers: { 'trace-id': 'trace-401' },
        body: { error: 'invalid_token', error_description: `Access token expired: ${req.headers.authorization}` },
      };
    }
    return undefined;
  }
}

export function memoryStoreWith(token: StoredToken): MemoryTokenStore {
  return new MemoryTokenStore({ shop: token });
}

/** The smallest checkout form the schema accepts, bought and updated at `at`. */
export function syntheticForm(id: string, at: string, status = 'READY_FOR_PROCESSING'): Record<string, unknown> {
  return {
    id,
    buyer: { id: '1000', email: 'b@allegromail.pl', login: 'buyer', guest: false },
    status,
    lineItems: [
      {
        id: `li-${id}`,
        offer: { id: '17000000001', name: 'Kubek' },
        quantity: 1,
        originalPrice: { amount: '29.99', currency: 'PLN' },
        price: { amount: '29.99', currency: 'PLN' },
        boughtAt: at,
      },
    ],
    surcharges: [],
    summary: { totalToPay: { amount: '29.99', currency: 'PLN' } },
    updatedAt: at,
    revision: 'abcd1234',
  };
}

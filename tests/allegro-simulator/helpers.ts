/** Small HTTP helpers for talking to the simulator the way the integrator's client does. */
import type { AllegroSimulator } from '../../dev/allegro-simulator';

export const USER_AGENT = 'allegro-optima-tests/0.1 (+https://github.com/allegro-optima/allegro-optima)';
export const PUBLIC_V1 = 'application/vnd.allegro.public.v1+json';

/** `T` is what the test expects; the contract tests check the real shape against the spec. */
export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export async function request<T = unknown>(url: string, init: RequestInit = {}): Promise<Reply<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json') && text !== '';
  return { status: res.status, headers: res.headers, body: (json ? JSON.parse(text) : text) as T };
}

/** An API client with a bearer token and the headers Allegro requires. */
export function api(sim: AllegroSimulator, token: string, extra: Record<string, string> = {}) {
  const headers = { Authorization: `Bearer ${token}`, Accept: PUBLIC_V1, 'User-Agent': USER_AGENT, ...extra };
  return {
    get: <T = unknown>(path: string, more: Record<string, string> = {}) =>
      request<T>(`${sim.url}${path}`, { headers: { ...headers, ...more } }),
    put: <T = unknown>(path: string, body: unknown, contentType = PUBLIC_V1) =>
      request<T>(`${sim.url}${path}`, {
        method: 'PUT',
        headers: { ...headers, 'Content-Type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    post: <T = unknown>(path: string, body: unknown, contentType = PUBLIC_V1) =>
      request<T>(`${sim.url}${path}`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  };
}

/** POST a form to /auth/oauth/* with Basic client credentials. */
export function oauth<T = Record<string, unknown>>(
  sim: AllegroSimulator,
  endpoint: 'device' | 'token',
  form: Record<string, string>,
  secret = sim.clientSecret,
) {
  return request<T>(`${sim.url}/auth/oauth/${endpoint}`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${sim.clientId}:${secret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form).toString(),
  });
}

/** A valid Polish NIP, checked independently of the simulator's generator. */
export function isValidNip(value: string): boolean {
  const digits = value.replace(/-/g, '');
  if (!/^\d{10}$/.test(digits)) return false;
  const weights = [6, 5, 7, 2, 3, 4, 5, 6, 7];
  const sum = weights.reduce((s, w, i) => s + w * Number(digits[i]), 0);
  return sum % 11 === Number(digits[9]);
}

/** "123.45" → 12345, without floats (independent of domain/money.ts on purpose). */
export function cents(amount: string): number {
  const [whole, frac = ''] = amount.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

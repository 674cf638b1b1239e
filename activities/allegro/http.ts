/**
 * The HTTP layer shared by the Allegro client and the OAuth flows: base URLs, the undici
 * agent (keep-alive, timeouts) and one `send` that reads the whole answer and turns
 * network failures into TransientError.
 */
import { Agent, type Dispatcher } from 'undici';
import { version } from '../../package.json';
import { classifyNetworkError } from './errors';

export const ALLEGRO_MEDIA_TYPE = 'application/vnd.allegro.public.v1+json';

/** Allegro requires `Name/version (+url)` from July 2026; the name must match the registered app. */
export const DEFAULT_USER_AGENT = `AllegroOptima/${version} (+https://github.com/allegro-optima/allegro-optima)`;

export type AllegroEnvironment = 'production' | 'sandbox';

/** A named environment, or one base URL serving both the API and `/auth/oauth/*` (the simulator). */
export type AllegroTarget = AllegroEnvironment | { baseUrl: string };

export interface AllegroUrls {
  /** REST API origin, e.g. https://api.allegro.pl */
  apiUrl: string;
  /** OAuth origin (`/auth/oauth/*` lives there), e.g. https://allegro.pl */
  authUrl: string;
}

export function allegroUrls(target: AllegroTarget): AllegroUrls {
  if (target === 'production') return { apiUrl: 'https://api.allegro.pl', authUrl: 'https://allegro.pl' };
  if (target === 'sandbox') {
    return { apiUrl: 'https://api.allegro.pl.allegrosandbox.pl', authUrl: 'https://allegro.pl.allegrosandbox.pl' };
  }
  const base = target.baseUrl.replace(/\/+$/, '');
  return { apiUrl: base, authUrl: base };
}

export interface HttpTimeouts {
  connectMs: number;
  /** Until the response headers arrive. */
  headersMs: number;
  /** Between two chunks of the body. */
  bodyMs: number;
  /** How long an idle keep-alive socket stays open. */
  keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = {
  connectMs: 10_000,
  headersMs: 30_000,
  bodyMs: 30_000,
  keepAliveMs: 30_000,
};

/** One agent per client: pools per origin (API and OAuth hosts), sockets kept alive. */
export function createAllegroAgent(timeouts: HttpTimeouts, connectionsPerOrigin: number): Agent {
  return new Agent({
    connections: connectionsPerOrigin,
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
    keepAliveTimeout: timeouts.keepAliveMs,
  });
}

export interface HttpRequest {
  origin: string;
  method: 'GET' | 'POST' | 'PUT';
  /** Path plus query string. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpAnswer {
  status: number;
  /** Allegro's `Trace-Id` header: support asks for it, so every error keeps it. */
  traceId?: string;
  /** Parsed JSON, or the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
}

export async function send(dispatcher: Dispatcher, req: HttpRequest, timeouts: HttpTimeouts): Promise<HttpAnswer> {
  try {
    const res = await dispatcher.request({
      origin: req.origin,
      method: req.method,
      path: req.path,
      headers: req.headers,
      body: req.body,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
    });
    // Always read the body to the end: an unread body keeps the keep-alive socket busy.
    const text = await res.body.text();
    const trace = res.headers['trace-id'];
    return {
      status: res.statusCode,
      traceId: Array.isArray(trace) ? trace[0] : trace,
      body: parseBody(text),
    };
  } catch (error) {
    throw classifyNetworkError(error, { method: req.method, path: stripQuery(req.path) });
  }
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function stripQuery(path: string): string {
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}

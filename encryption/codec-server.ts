/**
 * Codec server: lets the Temporal Web UI and CLI show decrypted payloads without the keys ever
 * leaving this process. Temporal's protocol: POST /encode and POST /decode with
 * `{ "payloads": [{ "metadata": { "<key>": "<base64>" }, "data": "<base64>" }] }` (proto JSON),
 * answered in the same shape. The UI calls from the browser, hence CORS for its origin.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { PayloadDecryptionError } from './codec';

export const DEFAULT_UI_ORIGIN = 'http://localhost:8233';

// Temporal caps one payload at 2 MiB by default; a UI page decodes a batch of them.
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Browser origins (the Web UI) allowed to call; default DEFAULT_UI_ORIGIN. */
  corsOrigins?: readonly string[];
  /** When set, /encode and /decode need `Authorization: Bearer <token>`. */
  bearerToken?: string;
}

export interface ListenOptions {
  /** Default loopback: the server hands out plaintext, so exposing it is a deliberate choice. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
}

export interface RunningCodecServer {
  url: string;
  close(): Promise<void>;
}

class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

const base64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('base64');

function payloadToJson(payload: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) metadata[key] = base64(value);
  return { metadata, data: base64(payload.data) };
}

function bytesFromJson(value: unknown, where: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) {
    throw new BadRequest(`${where} must be a base64 string`);
  }
  return Buffer.from(value, 'base64');
}

function payloadFromJson(value: unknown, index: number): Payload {
  const where = `payloads[${index}]`;
  if (typeof value !== 'object' || value === null) throw new BadRequest(`${where} must be an object`);
  const { metadata = {}, data = '' } = value as { metadata?: unknown; data?: unknown };
  if (typeof metadata !== 'object' || metadata === null) throw new BadRequest(`${where}.metadata must be an object`);
  const decoded: Record<string, Uint8Array> = {};
  for (const [key, bytes] of Object.entries(metadata)) decoded[key] = bytesFromJson(bytes, `${where}.metadata.${key}`);
  return { metadata: decoded, data: bytesFromJson(data, `${where}.data`) };
}

function parsePayloads(body: string): Payload[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new BadRequest('Body is not JSON');
  }
  const payloads = (parsed as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(payloads)) throw new BadRequest('Body must be { "payloads": [...] }');
  return payloads.map(payloadFromJson);
}

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`Body exceeds ${MAX_BODY_BYTES} bytes`, 413);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Compares digests so neither the token's length nor its prefix leaks through timing. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(header ?? ''), digest(`Bearer ${token}`));
}

function corsHeaders(request: http.IncomingMessage, origins: readonly string[]): http.OutgoingHttpHeaders {
  const origin = request.headers.origin;
  // An origin outside the list gets no CORS headers, so the browser refuses the response.
  if (!origin || !origins.includes(origin)) return { Vary: 'Origin' };
  return {
    Vary: 'Origin',
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type, X-Namespace, Authorization',
    'Access-Control-Max-Age': '600',
  };
}

export function createCodecServer(options: CodecServerOptions): http.Server {
  const { codec, bearerToken } = options;
  const origins = options.corsOrigins ?? [DEFAULT_UI_ORIGIN];

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const cors = corsHeaders(request, origins);
    const reply = (status: number, body?: unknown) => {
      const headers = body === undefined ? cors : { ...cors, 'Content-Type': 'application/json' };
      response.writeHead(status, headers).end(body === undefined ? undefined : JSON.stringify(body));
    };
    // Preflights carry no Authorization header, so they are answered before the token check.
    if (request.method === 'OPTIONS') return reply(204);
    const path = new URL(request.url ?? '/', 'http://codec').pathname;
    if (path !== '/encode' && path !== '/decode') return reply(404, { error: 'Not found: use /encode or /decode' });
    if (request.method !== 'POST') return reply(405, { error: 'Use POST' });
    if (bearerToken && !tokenMatches(request.headers.authorization, bearerToken)) {
      return reply(401, { error: 'Missing or wrong bearer token' });
    }
    try {
      const payloads = parsePayloads(await readBody(request));
      const result = path === '/encode' ? await codec.encode(payloads) : await codec.decode(payloads);
      reply(200, { payloads: result.map(payloadToJson) });
    } catch (error) {
      if (error instanceof BadRequest) return reply(error.status, { error: error.message });
      if (error instanceof PayloadDecryptionError) return reply(400, { error: error.message });
      // Anything else may quote payload contents; keep it out of the response.
      reply(500, { error: 'Codec failed' });
    }
  }

  return http.createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
}

export async function startCodecServer(options: CodecServerOptions & ListenOptions): Promise<RunningCodecServer> {
  const server = createCodecServer(options);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * The HTTP side: each request is counted, delayed (latency, a fault's delay), maybe failed by
 * an injected fault, gated like Allegro's REST API, then answered by its route.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorsHolder, notFound, OAUTH_JSON, PUBLIC_V1, tooManyRequests, type Answer } from './answers';
import type { SimulatorAdmin } from './api';
import { ADMIN_PREFIX, adminOverHttp } from './routes/admin';
import { findRoute, type SimulatorContext } from './routes';
import type { Traffic } from './traffic';

/** CONTRACT.md §1: `AppName/version (+https://info-url)`, required on api.allegro.pl. */
const USER_AGENT = /^\S+\/\S+ \(\+https?:\/\/[^)\s]+\)/;
const MAX_BODY = 1 << 20;

export interface ServerParts {
  context: SimulatorContext;
  traffic: Traffic;
  admin: SimulatorAdmin;
}

/** Allegro's refusals before a REST call is served, in Allegro's order. */
function apiGate(req: http.IncomingMessage, { context, traffic }: ServerParts): Answer | undefined {
  if (!USER_AGENT.test(req.headers['user-agent'] ?? '')) {
    return {
      status: 403,
      body: errorsHolder(
        'AccessDenied',
        'Missing or malformed User-Agent; expected "AppName/version (+https://info-url)"',
        null,
        'No access to the specified resource.',
      ),
    };
  }
  const auth = context.oauth.bearer(req.headers.authorization);
  if (!auth.ok) {
    traffic.counters.unauthorized++;
    return { status: 401, body: auth.body };
  }
  if (!(req.headers.accept ?? '').includes(PUBLIC_V1)) {
    return {
      status: 406,
      body: errorsHolder(
        'NotAcceptableException',
        "Not acceptable representation requested. Please check 'Accept' request header",
        null,
        'Not acceptable representation requested.',
      ),
    };
  }
  if (!traffic.withinRateLimit(auth.clientId)) {
    traffic.counters.rateLimited++;
    return { status: 429, body: tooManyRequests() };
  }
  return undefined;
}

function faultBody(status: number): unknown {
  if (status === 401) return { error: 'invalid_token', error_description: 'Access token expired' };
  if (status === 429) return tooManyRequests();
  return errorsHolder(
    status >= 500 ? 'InternalServerErrorException' : 'SimulatedFault',
    http.STATUS_CODES[status] ?? 'Error',
  );
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, parts: ServerParts): Promise<void> {
  res.setHeader('Trace-Id', randomUUID().replace(/-/g, ''));
  const url = new URL(req.url ?? '/', 'http://simulator');
  const method = (req.method ?? 'GET').toUpperCase();
  const body = await readBody(req);
  if (url.pathname.startsWith(ADMIN_PREFIX))
    return send(res, adminOverHttp(parts.admin, url.pathname.slice(ADMIN_PREFIX.length), body), OAUTH_JSON);

  const matched = findRoute(method, url.pathname);
  parts.traffic.countRequest(matched?.name ?? `${method} (unknown)`);
  const fault = parts.traffic.takeFault(method, url.pathname);
  if (fault?.delayMs) await sleep(fault.delayMs);
  if (parts.traffic.latencyMs > 0) await sleep(parts.traffic.latencyMs);
  const failAnswer = (): boolean => {
    if (fault?.reset) req.socket.destroy();
    else if (fault?.status !== undefined)
      send(res, { status: fault.status, body: fault.body ?? faultBody(fault.status) }, PUBLIC_V1);
    else return false;
    return true;
  };
  if (!fault?.afterServing && failAnswer()) return;
  if (!matched) return send(res, notFound(), PUBLIC_V1);
  const { route, rawParams } = matched;
  if (route.kind === 'api') {
    const refused = apiGate(req, parts);
    if (refused) return send(res, refused, PUBLIC_V1);
  }
  const params = Object.fromEntries(Object.entries(rawParams).map(([k, v]) => [k, decodeURIComponent(v)]));
  const answer = route.handle({ method, url, headers: req.headers, body, params }, parts.context);
  if (fault?.afterServing && failAnswer()) return;
  send(res, answer, route.kind === 'api' ? PUBLIC_V1 : OAUTH_JSON);
}

export async function listen(port: number, parts: ServerParts): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    handle(req, res, parts).catch((e: unknown) => {
      process.stderr.write(`allegro-simulator: ${String((e as Error).stack ?? e)}\n`);
      if (!res.headersSent)
        send(
          res,
          { status: 500, body: errorsHolder('InternalServerErrorException', 'Internal server error') },
          PUBLIC_V1,
        );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: http.ServerResponse, answer: Answer, jsonType: string): void {
  if (answer.body === undefined) {
    res.writeHead(answer.status);
    res.end();
    return;
  }
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'Content-Type': answer.type ?? jsonType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy(new Error('request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

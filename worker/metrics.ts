/**
 * What an operator alerts on, as Prometheus metrics: orders by status (imported, waiting for a
 * person, cancelled), the import lag, the last successful poll per account, Allegro 429s,
 * Optima licence waits and when each account's Allegro refresh token expires. Gauges are read
 * from Temporal (visibility and the poller's status query) when Prometheus scrapes; counters
 * are counted by an activity interceptor where failures pass, whichever adapter raised them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { Counter, Gauge, Registry } from 'prom-client';
import type { TokenStore } from '../activities/allegro/token-store';
import { ERROR_TYPES } from '../domain/errors';
import { ORDER_STATUSES } from '../domain/types';
import { pollerStatusQuery, pollerWorkflowId } from '../workflows/definitions';

/** Allegro's refresh token lives 3 months from its issue (Allegro's OAuth documentation). */
const REFRESH_TOKEN_DAYS = 90;
/** Orders looked at for the lag: the oldest unfinished one among the latest this many. */
const LAG_SAMPLE = 1000;

export const metricsRegistry = new Registry();

const allegroThrottled = new Counter({
  name: 'ao_allegro_throttled_total',
  help: 'Allegro answers 429 (too many requests) seen by the activities',
  registers: [metricsRegistry],
});
const licenceWaits = new Counter({
  name: 'ao_optima_licence_waits_total',
  help: 'Optima activities that found no free licence and wait to try again',
  registers: [metricsRegistry],
});

/** Counts the failures the counters above are about, on their way out of any activity. */
export class MetricsActivityInterceptor implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (error) {
      countFailure(error);
      throw error;
    }
  }
}

/** `error`: a typed error, or the failure made of one (its `cause`, worker/interceptors.ts). */
export function countFailure(error: unknown): void {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const failure = (cause instanceof Error ? cause : error) as { name?: string; details?: { status?: number } } | null;
  if (failure?.name === ERROR_TYPES.licenceUnavailable) licenceWaits.inc();
  else if (failure?.name === ERROR_TYPES.transient && failure.details?.status === 429) allegroThrottled.inc();
}

export interface BusinessGauges {
  client: Client;
  accounts: readonly string[];
  tokenStore: TokenStore;
}

const GAUGES = [
  'ao_orders',
  'ao_orders_waiting_for_person',
  'ao_import_lag_seconds',
  'ao_last_successful_poll_timestamp_seconds',
  'ao_allegro_refresh_token_expires_at_seconds',
];

/** Registers the gauges read at scrape time (again: they then read from the new client). */
export function registerBusinessGauges({ client, accounts, tokenStore }: BusinessGauges): void {
  for (const name of GAUGES) metricsRegistry.removeSingleMetric(name);
  const count = async (query: string) => (await client.workflow.count(query)).count;
  const orders = (account: string) => `WorkflowType="importOrder" AND AllegroAccount="${account}"`;

  new Gauge({
    name: 'ao_orders',
    help: 'Order workflows by their OrderStatus (Imported, NeedsAttention, Cancelled, …)',
    labelNames: ['account', 'status'],
    registers: [metricsRegistry],
    async collect() {
      for (const account of accounts) {
        for (const status of ORDER_STATUSES) {
          this.set({ account, status }, await count(`${orders(account)} AND OrderStatus="${status}"`));
        }
      }
    },
  });
  new Gauge({
    name: 'ao_orders_waiting_for_person',
    help: 'Orders that wait for a person (a mapping, a product, a contractor) and a `retry`',
    labelNames: ['account'],
    registers: [metricsRegistry],
    async collect() {
      for (const account of accounts) {
        this.set({ account }, await count(`${orders(account)} AND OrderStatus="NeedsAttention"`));
      }
    },
  });
  new Gauge({
    name: 'ao_import_lag_seconds',
    help: 'Age of the oldest running order workflow that has no document yet (0: none)',
    labelNames: ['account'],
    registers: [metricsRegistry],
    async collect() {
      for (const account of accounts) {
        let oldest: number | undefined;
        let seen = 0;
        const query = `${orders(account)} AND ExecutionStatus="Running" AND OrderStatus IN ("Waiting","NeedsAttention")`;
        for await (const execution of client.workflow.list({ query })) {
          const started = execution.startTime.getTime();
          oldest = oldest === undefined ? started : Math.min(oldest, started);
          if (++seen >= LAG_SAMPLE) break;
        }
        this.set({ account }, oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
      }
    },
  });
  new Gauge({
    name: 'ao_last_successful_poll_timestamp_seconds',
    help: "Unix time of the poller's last successful read of Allegro's events (absent: no poller)",
    labelNames: ['account'],
    registers: [metricsRegistry],
    async collect() {
      for (const account of accounts) {
        try {
          const status = await client.workflow.getHandle(pollerWorkflowId(account)).query(pollerStatusQuery);
          // lastImportAt: the end of the last run that read Allegro without an error.
          const at = status.lastImportAt;
          if (at) this.set({ account }, Date.parse(at) / 1000);
        } catch {
          this.remove({ account }); // no running poller: nothing to report, which alerts as "absent"
        }
      }
    },
  });
  new Gauge({
    name: 'ao_allegro_refresh_token_expires_at_seconds',
    help: "Unix time when the account's Allegro refresh token expires (re-run `auth` before)",
    labelNames: ['account'],
    registers: [metricsRegistry],
    async collect() {
      for (const account of accounts) {
        const token = await tokenStore.load(account);
        if (token) this.set({ account }, Date.parse(token.obtainedAt) / 1000 + REFRESH_TOKEN_DAYS * 86_400);
      }
    },
  });
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `/metrics` in Prometheus' text format, on loopback unless told otherwise. `orAnyPort`: when the
 * port is taken, any free one (the demo), instead of failing (a worker, whose address is configured).
 */
export async function startMetricsServer(
  options: { host?: string; port?: number; orAnyPort?: boolean } = {},
): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metricsRegistry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': metricsRegistry.contentType }).end(text),
      (error: unknown) => res.writeHead(500).end(`metrics failed: ${(error as Error).message}`),
    );
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host ?? '127.0.0.1', resolve);
    });
  try {
    await listen(options.port ?? 0);
  } catch (error) {
    if (!options.orAnyPort || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    await listen(0);
  }
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

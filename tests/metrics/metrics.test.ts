/**
 * The metrics an operator alerts on, scraped from /metrics of a worker on the test world:
 * orders by status from Temporal, the refresh token's expiry, and the failure counters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import YAML from 'yaml';
import { MemoryTokenStore } from '../../activities/allegro/token-store';
import { LicenceUnavailableError, TransientError } from '../../domain/errors';
import { countFailure, registerBusinessGauges, startMetricsServer, type MetricsServer } from '../../worker/metrics';
import { orderWorkflowId } from '../../workflows/definitions';
import { importOrder } from '../../workflows/import-order';
import { eventually, startEnv, type TestEnv } from '../workflows/env';

// Inside a describe: its afterAll stops the worker before the harness closes the connections.
describe('worker metrics', () => {
  let env: TestEnv;
  let server: MetricsServer;
  const obtainedAt = '2026-11-01T10:00:00.000Z';

  beforeAll(async () => {
    env = await startEnv();
    const tokenStore = new MemoryTokenStore({
      [env.account]: { accessToken: 'a', refreshToken: 'r', expiresAt: obtainedAt, obtainedAt },
    });
    registerBusinessGauges({ client: env.client, accounts: [env.account], tokenStore });
    server = await startMetricsServer();
  });
  afterAll(async () => {
    await server?.close();
    await env?.close();
  });

  async function scrape(): Promise<string> {
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    return res.text();
  }

  function value(text: string, metric: string, labels: Record<string, string> = {}): number | undefined {
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${metric}{`) && !line.startsWith(`${metric} `)) continue;
      if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return undefined;
  }

  test('orders by status, waiting for a person, the import lag and the token expiry match the world', async () => {
    const paid = env.simulator.admin.addOrders(3, { marketplace: 'allegro-pl', status: 'READY_FOR_PROCESSING' });
    const unmapped = env.simulator.admin.addOrder({ paymentType: 'SOMETHING_NEW', status: 'READY_FOR_PROCESSING' });
    for (const checkoutFormId of [...paid, unmapped]) {
      await env.client.workflow.start(importOrder, {
        taskQueue: env.taskQueue,
        workflowId: orderWorkflowId(env.account, checkoutFormId),
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        args: [{ account: env.account, checkoutFormId, policy: env.policy }],
      });
    }
    const account = env.account;
    const text = await eventually(async () => {
      const t = await scrape();
      const imported = value(t, 'ao_orders', { account, status: 'Imported' });
      return imported === 3 && value(t, 'ao_orders_waiting_for_person', { account }) === 1 ? t : undefined;
    }, '3 imported and 1 waiting in the metrics');
    expect(value(text, 'ao_orders', { account, status: 'Cancelled' })).toBe(0);
    // The order waiting for its payment mapping has no document: it is the lag.
    expect(value(text, 'ao_import_lag_seconds', { account })).toBeGreaterThan(0);
    expect(value(text, 'ao_allegro_refresh_token_expires_at_seconds', { account })).toBe(
      Date.parse(obtainedAt) / 1000 + 90 * 86_400,
    );
    // No poller runs in this world: no last-poll time rather than a made-up one.
    expect(value(text, 'ao_last_successful_poll_timestamp_seconds', { account })).toBeUndefined();
  });

  test('429s and licence waits are counted as they leave an activity, other failures are not', async () => {
    const before = await scrape();
    countFailure(new TransientError('too many requests', { system: 'allegro', status: 429 }));
    countFailure(new TransientError('bad gateway', { system: 'allegro', status: 502 }));
    countFailure(new LicenceUnavailableError('no free licence'));
    countFailure(new LicenceUnavailableError('no free licence'));
    const after = await scrape();
    const delta = (metric: string) => (value(after, metric) ?? 0) - (value(before, metric) ?? 0);
    expect(delta('ao_allegro_throttled_total')).toBe(1);
    expect(delta('ao_optima_licence_waits_total')).toBe(2);
  });

  test('the sample alert rules use only metrics the worker exports', async () => {
    const rules = YAML.parse(fs.readFileSync(path.resolve(__dirname, '../../ops/prometheus-alerts.yml'), 'utf8')) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const exported = new Set(
      (await scrape())
        .split('\n')
        .filter((l) => l.startsWith('# TYPE '))
        .map((l) => l.split(' ')[2]),
    );
    const alerts = rules.groups.flatMap((g) => g.rules);
    expect(alerts.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'NoOrderImportedFor30Minutes',
        'OrdersWaitingForAPerson',
        'AllegroRefreshTokenExpiresSoon',
      ]),
    );
    for (const rule of alerts) {
      const used = rule.expr.match(/\bao_[a-z_]+/g) ?? [];
      expect(used.length).toBeGreaterThan(0);
      for (const metric of used)
        expect({ alert: rule.alert, metric, exported: exported.has(metric) }).toEqual({
          alert: rule.alert,
          metric,
          exported: true,
        });
    }
  });
});

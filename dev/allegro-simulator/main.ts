/**
 * Runs the Allegro simulator on its own, e.g. for the demo or by hand:
 *   tsx dev/allegro-simulator/main.ts --port 8299 --seed 1 --stream 2/s --orders 50 --auto-approve
 */
import { parseArgs } from 'node:util';
import { startAllegroSimulator } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8299' },
      seed: { type: 'string', default: '1' },
      stream: { type: 'string' }, // orders per second, "2/s" or "2"
      orders: { type: 'string', default: '0' }, // backlog of READY_FOR_PROCESSING orders at start
      latency: { type: 'string', default: '0' },
      'rate-limit': { type: 'string' },
      'auto-approve': { type: 'boolean', default: false },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
    },
  });
  const number = (name: string, raw: string) => {
    const n = Number(raw.replace(/\/s$/, ''));
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number, got "${raw}"`);
    return n;
  };
  const sim = await startAllegroSimulator({
    port: number('port', values.port),
    seed: number('seed', values.seed),
    latencyMs: number('latency', values.latency),
    rateLimitPerMinute: values['rate-limit'] === undefined ? undefined : number('rate-limit', values['rate-limit']),
    autoApproveDevice: values['auto-approve'],
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
  });
  const backlog = number('orders', values.orders);
  if (backlog > 0) sim.admin.addOrders(backlog, { spreadOverSeconds: 3600 });
  if (values.stream !== undefined) sim.admin.startStream({ perSecond: number('stream', values.stream) });
  process.stdout.write(
    `Allegro simulator on ${sim.url} (seed ${values.seed}; client id "${sim.clientId}", secret "${sim.clientSecret}")\n` +
      `  REST API and OAuth: ${sim.url}   admin: POST ${sim.url}/__admin/<method> {"args":[...]}\n`,
  );
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});

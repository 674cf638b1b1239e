/**
 * Runs the Allegro simulator on its own, e.g. for the demo or by hand:
 *   tsx dev/allegro-simulator/main.ts --port 8299 --seed 1 --stream 2/s --orders 50 --auto-approve
 */
import { Command } from 'commander';
import { startAllegroSimulator } from './index';

async function main(): Promise<void> {
  const values = new Command('tsx dev/allegro-simulator/main.ts')
    .description('The Allegro simulator on its own: REST API, OAuth and the admin endpoint on one port.')
    .option('--port <N>', 'port to listen on', '8299')
    .option('--seed <N>', 'random seed of the generated data', '1')
    .option('--stream <N>', 'new orders per second, "2/s" or "2"')
    .option('--orders <N>', 'backlog of READY_FOR_PROCESSING orders at start', '0')
    .option('--latency <MS>', 'latency per call', '0')
    .option('--rate-limit <N>', 'requests per minute before 429s')
    .option('--auto-approve', 'approve every device code at once (no browser)', false)
    .option('--client-id <ID>', 'the OAuth client id to accept')
    .option('--client-secret <SECRET>', 'the OAuth client secret to accept')
    .parse()
    .opts<{
      port: string;
      seed: string;
      stream?: string;
      orders: string;
      latency: string;
      rateLimit?: string;
      autoApprove: boolean;
      clientId?: string;
      clientSecret?: string;
    }>();
  const number = (name: string, raw: string) => {
    const n = Number(raw.replace(/\/s$/, ''));
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number, got "${raw}"`);
    return n;
  };
  const sim = await startAllegroSimulator({
    port: number('port', values.port),
    seed: number('seed', values.seed),
    latencyMs: number('latency', values.latency),
    rateLimitPerMinute: values.rateLimit === undefined ? undefined : number('rate-limit', values.rateLimit),
    autoApproveDevice: values.autoApprove,
    clientId: values.clientId,
    clientSecret: values.clientSecret,
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

/**
 * The chaos run's worker process: `npm run worker` (worker/main.ts, the same options) with the
 * embedded Optima refusing a share of its logins for want of a licence, the share given in
 * CHAOS_LICENCE_REFUSAL_RATE by chaos/workers.ts.
 */
import { runWorker } from '../../worker/main';

const licenceRefusalRate = Number(process.env.CHAOS_LICENCE_REFUSAL_RATE ?? '0');

runWorker(undefined, {
  embedded: async (settings) =>
    (await import('../../dev/embedded-optima/driver')).openEmbeddedOptimaDriver(settings, { licenceRefusalRate }),
}).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

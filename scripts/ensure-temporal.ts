/**
 * `npm test`, `npm start` and `npm run bench` run this first: it makes sure Temporal is
 * available (building the CLI once if needed) and says where it comes from.
 */
import { locateTemporal, TemporalUnavailableError } from './temporal-cli';

locateTemporal().catch((error: unknown) => {
  const text = error instanceof TemporalUnavailableError ? error.message : error instanceof Error ? error.stack : error;
  process.stderr.write(`${String(text)}\n`);
  process.exit(1);
});

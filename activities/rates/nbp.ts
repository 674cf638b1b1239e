/**
 * The ExchangeRates port on NBP's public Web API, table A (average rates). One call per
 * (currency, tax point) asks for the ~10 days before the tax point and takes the newest
 * table: that walks back weekends and holidays at once. Answers are cached in memory; misses
 * and failures are not, so a rate that appears later is found on the next attempt.
 */
import { Agent, type Dispatcher } from 'undici';
import { z } from 'zod';
import { PermanentError, TransientError } from '../../domain/errors';
import {
  ExchangeRateMissingError,
  rateDateCandidates,
  rateForTaxPoint,
  type ExchangeRate,
  type ExchangeRates,
} from '../../domain/exchange-rates';

export const NBP_API_URL = 'https://api.nbp.pl';

export interface NbpOptions {
  /** Default https://api.nbp.pl; tests point it at dev/nbp-rates. */
  baseUrl?: string;
  /** Calendar days before the tax point asked for; covers the longest Polish holiday run. */
  windowDays?: number;
  /** Per call, until the whole answer is read. */
  timeoutMs?: number;
  /** Today in Poland (YYYY-MM-DD): a later tax point has no rate yet, whatever NBP answers. */
  today?: () => string;
  dispatcher?: Dispatcher;
}

export interface NbpExchangeRates extends ExchangeRates {
  close(): Promise<void>;
}

const AnswerSchema = z.object({
  table: z.literal('A'),
  code: z.string(),
  rates: z.array(z.object({ no: z.string(), effectiveDate: z.string(), mid: z.number().positive() })),
});

/** A JSON number's shortest text: exact for NBP's mids (≤ 6 decimals), never an exponent. */
const PLAIN_DECIMAL = /^\d+(\.\d{1,6})?$/;

function warsawToday(): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw' }).format(new Date());
}

/**
 * NBP is not Allegro nor Optima, but domain/errors.ts knows only those two systems: NBP's
 * failures say so in `code` (NBP_*) and in the message; the rate is for an Optima document.
 */
function transient(message: string, code: string, status?: number): TransientError {
  return new TransientError(`NBP: ${message}`, { system: 'optima', code, ...(status ? { status } : {}) });
}

export function createNbpExchangeRates(opts: NbpOptions = {}): NbpExchangeRates {
  const base = (opts.baseUrl ?? NBP_API_URL).replace(/\/+$/, '');
  const windowDays = opts.windowDays ?? 10;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const today = opts.today ?? warsawToday;
  const ownAgent = opts.dispatcher ? undefined : new Agent({ connect: { timeout: timeoutMs } });
  const dispatcher = opts.dispatcher ?? ownAgent!;
  const cache = new Map<string, Promise<ExchangeRate>>();

  async function get(path: string): Promise<{ status: number; text: string }> {
    try {
      const res = await dispatcher.request({
        origin: base,
        method: 'GET',
        path,
        headers: { accept: 'application/json' },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      return { status: res.statusCode, text: await res.body.text() };
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      throw transient(
        `${path}: network error (${error instanceof Error ? error.message : String(error)})`,
        typeof code === 'string' ? code : 'NBP_NETWORK',
      );
    }
  }

  async function lookUp(currency: string, taxPointDate: string): Promise<ExchangeRate> {
    if (taxPointDate > today()) {
      throw new ExchangeRateMissingError(currency, taxPointDate, `the tax point is after today (${today()})`);
    }
    const days = rateDateCandidates(taxPointDate, windowDays);
    const [to, from] = [days[0], days[days.length - 1]];
    if (!to || !from) throw new Error(`rate window of ${windowDays} days holds no weekday`);
    const path = `/api/exchangerates/rates/a/${currency.toLowerCase()}/${from}/${to}/?format=json`;
    const { status, text } = await get(path);

    if (status === 404) {
      throw new ExchangeRateMissingError(currency, taxPointDate, `NBP has no table A rate from ${from} to ${to}`);
    }
    if (status === 408 || status === 429 || status >= 500)
      throw transient(`${path}: HTTP ${status}`, 'NBP_UNAVAILABLE', status);
    if (status !== 200) {
      throw new PermanentError(`NBP: ${path}: HTTP ${status}: ${text.slice(0, 200)}`, {
        system: 'optima',
        status,
        code: 'NBP_REFUSED',
      });
    }

    let answer: z.infer<typeof AnswerSchema>;
    try {
      answer = AnswerSchema.parse(JSON.parse(text));
    } catch {
      // A garbled answer from a public API is more likely a glitch than a new format: retry.
      throw transient(`${path}: unexpected answer`, 'NBP_BAD_ANSWER', status);
    }
    const best = rateForTaxPoint(answer.rates, taxPointDate);
    if (!best || answer.code.toUpperCase() !== currency) {
      throw new ExchangeRateMissingError(currency, taxPointDate, `NBP has no table A rate from ${from} to ${to}`);
    }
    const rate = String(best.mid);
    if (!PLAIN_DECIMAL.test(rate)) throw transient(`${path}: mid ${rate} is not a plain decimal`, 'NBP_BAD_ANSWER');
    return { currency, rate, tableNumber: best.no, effectiveDate: best.effectiveDate };
  }

  return {
    async rateBefore(currencyCode, taxPointDate) {
      const currency = currencyCode.toUpperCase();
      if (!/^[A-Z]{3}$/.test(currency) || currency === 'PLN') {
        throw new ExchangeRateMissingError(currencyCode, taxPointDate, 'not a currency NBP quotes against PLN');
      }
      const key = `${currency} ${taxPointDate}`;
      let pending = cache.get(key);
      if (!pending) {
        pending = lookUp(currency, taxPointDate);
        cache.set(key, pending);
        // Only answers are kept: a miss or a failure is asked again next time.
        pending.catch(() => cache.delete(key));
      }
      return pending;
    },
    async close() {
      await ownAgent?.close();
    },
  };
}

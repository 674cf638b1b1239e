/**
 * Stand-in for NBP's public Web API (api.nbp.pl), table A, on a loopback port: the same paths,
 * JSON shape and "404 NotFound - Not Found - Brak danych" text for days without a table
 * (weekends and Polish public holidays). Rates are deterministic per currency and day.
 * Admin switches (in process, or POST /__admin/<switch>) make it answer 503 or lose a currency,
 * so tests can show an order waiting and then imported once the rate is back.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NbpStandInOptions {
  port?: number;
  /** Mid rates per code around which the daily rates move, e.g. { EUR: '4.2345' }. */
  baseRates?: Record<string, string>;
}

export interface NbpStandInAdmin {
  /** true: every answer is 503 (NBP down). */
  setDown(down: boolean): void;
  /** true: the currency has no rates (404 for any window), as before NBP publishes it. */
  setMissing(code: string, missing: boolean): void;
  /** Rate requests answered so far (admin calls not counted). */
  requests(): number;
}

export interface NbpStandIn {
  /** Base URL to configure as the NBP API base, e.g. http://127.0.0.1:40123 */
  url: string;
  admin: NbpStandInAdmin;
  close(): Promise<void>;
}

export const DEFAULT_BASE_RATES: Record<string, string> = { EUR: '4.2345', CZK: '0.1712', HUF: '0.010987' };

const NAMES: Record<string, string> = { EUR: 'euro', CZK: 'korona czeska', HUF: 'forint (Węgry)' };
const NOT_FOUND = '404 NotFound - Not Found - Brak danych';
const RANGE_LIMIT_DAYS = 93;
const DAY_MS = 86_400_000;
const PATH = /^\/api\/exchangerates\/rates\/a\/([a-z]{3})\/(\d{4}-\d{2}-\d{2})\/(\d{4}-\d{2}-\d{2})\/?$/i;

/** Easter Sunday (anonymous Gregorian computus), as UTC midnight ms. */
function easter(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day);
}

/** Polish public holidays on which NBP publishes no table (Christmas Eve since 2025). */
export function isPolishHoliday(ms: number): boolean {
  const d = new Date(ms);
  const md = `${d.getUTCMonth() + 1}-${d.getUTCDate()}`;
  const fixed = ['1-1', '1-6', '5-1', '5-3', '8-15', '11-1', '11-11', '12-24', '12-25', '12-26'];
  if (fixed.includes(md)) return md !== '12-24' || d.getUTCFullYear() >= 2025;
  const e = easter(d.getUTCFullYear());
  return ms === e + DAY_MS || ms === e + 60 * DAY_MS; // Easter Monday, Corpus Christi
}

function isTableDay(ms: number): boolean {
  const weekday = new Date(ms).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !isPolishHoliday(ms);
}

/** "231/A/NBP/2026": tables are numbered from 1 each year, one per table day. */
function tableNumber(ms: number): string {
  const year = new Date(ms).getUTCFullYear();
  let n = 0;
  for (let t = Date.UTC(year, 0, 1); t <= ms; t += DAY_MS) if (isTableDay(t)) n++;
  return `${n}/A/NBP/${year}`;
}

/** The base rate moved by a deterministic ±0.5 % per day, with the base rate's decimals. */
function midOn(base: string, ms: number): string {
  const decimals = base.split('.')[1]?.length ?? 0;
  const scale = 10 ** decimals;
  const units = Math.round(Number(base) * scale);
  const day = ms / DAY_MS;
  const wobble = ((day * 7919) % 101) - 50; // hundredths of a percent
  const moved = units + Math.round((units * wobble) / 10_000);
  return (moved / scale).toFixed(decimals);
}

function parseDay(text: string): number | undefined {
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text ? undefined : ms;
}

export async function startNbpStandIn(opts: NbpStandInOptions = {}): Promise<NbpStandIn> {
  const baseRates: Record<string, string> = { ...DEFAULT_BASE_RATES, ...opts.baseRates };
  const missing = new Set<string>();
  let down = false;
  let requests = 0;

  const admin: NbpStandInAdmin = {
    setDown: (value) => void (down = value),
    setMissing: (code, value) => void (value ? missing.add(code.toUpperCase()) : missing.delete(code.toUpperCase())),
    requests: () => requests,
  };

  function rates(code: string, from: number, to: number): { status: number; body: string; json?: boolean } {
    const base = baseRates[code];
    if (!base || missing.has(code)) return { status: 404, body: NOT_FOUND };
    const days: string[] = [];
    for (let t = from; t <= to; t += DAY_MS) {
      if (!isTableDay(t)) continue;
      // The mid is written as NBP writes it: a JSON number literal, here from its exact decimal text.
      days.push(
        `{"no":"${tableNumber(t)}","effectiveDate":"${new Date(t).toISOString().slice(0, 10)}","mid":${midOn(base, t)}}`,
      );
    }
    if (days.length === 0) return { status: 404, body: NOT_FOUND };
    const name = NAMES[code] ?? code.toLowerCase();
    return {
      status: 200,
      json: true,
      body: `{"table":"A","currency":"${name}","code":"${code}","rates":[${days.join(',')}]}`,
    };
  }

  function answer(method: string, url: URL): { status: number; body: string; json?: boolean } {
    if (method === 'POST' && url.pathname.startsWith('/__admin/')) {
      const what = url.pathname.slice('/__admin/'.length);
      const on = url.searchParams.get('on') !== 'false';
      if (what === 'down') admin.setDown(on);
      else if (what === 'missing' && url.searchParams.get('code')) admin.setMissing(url.searchParams.get('code')!, on);
      else return { status: 400, body: 'admin: POST /__admin/down?on=true|false or /__admin/missing?code=CZK&on=…' };
      return { status: 204, body: '' };
    }
    requests++;
    if (down) return { status: 503, body: '503 Service Unavailable' };
    const m = method === 'GET' ? PATH.exec(url.pathname) : null;
    if (!m) return { status: 404, body: '404 NotFound' };
    const from = parseDay(m[2]);
    const to = parseDay(m[3]);
    if (from === undefined || to === undefined || from > to) {
      return { status: 400, body: '400 BadRequest - Błędny zakres dat / Invalid date range' };
    }
    if ((to - from) / DAY_MS >= RANGE_LIMIT_DAYS) {
      return { status: 400, body: '400 BadRequest - Przekroczony limit 93 dni / Limit of 93 days has been exceeded' };
    }
    return rates(m[1].toUpperCase(), from, to);
  }

  const server = http.createServer((req, res) => {
    const result = answer(req.method ?? 'GET', new URL(req.url ?? '/', 'http://stand-in'));
    res.writeHead(result.status, {
      'content-type': result.json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
    });
    res.end(result.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    admin,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * When the poller runs next. Pure and deterministic (workflow code): "every N seconds", or
 * "daily at HH:MM" in an IANA time zone, daylight-saving changes included.
 */
import type { PollerSchedule } from './definitions';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * An interval counts from the start of the run that just ended (`runStartedMs`), so a run's
 * own time does not stretch the cadence (a 1 s poll whose run takes 0.3 s polls every 1 s, not
 * 1.3 s); a run longer than the interval is followed by the next at once.
 */
export function nextRunAfter(nowMs: number, schedule: PollerSchedule, runStartedMs = nowMs): number {
  if (schedule.kind === 'interval') return Math.max(nowMs, runStartedMs + schedule.seconds * 1000);
  const today = localDate(nowMs, schedule.timeZone);
  for (let days = 0; days <= 2; days++) {
    const at = zonedTime(today.year, today.month, today.day + days, schedule.hour, schedule.minute, schedule.timeZone);
    if (at > nowMs) return at;
  }
  // Unreachable for a valid zone (some day within two has the hour); keep the poller alive anyway.
  return nowMs + DAY_MS;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(ms: number, timeZone: string): LocalParts {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const out: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  }
  return { year: out.year, month: out.month, day: out.day, hour: out.hour, minute: out.minute, second: out.second };
}

function localDate(ms: number, timeZone: string): { year: number; month: number; day: number } {
  const { year, month, day } = partsIn(ms, timeZone);
  return { year, month, day };
}

/** Offset of the zone from UTC at instant `ms`, in ms (local = UTC + offset). */
function offsetAt(ms: number, timeZone: string): number {
  const p = partsIn(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant when the wall clock in `timeZone` shows the given local time (day may overflow). */
function zonedTime(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // Two rounds settle the offset also next to a daylight-saving change.
  let guess = wall - offsetAt(wall, timeZone);
  guess = wall - offsetAt(guess, timeZone);
  return guess;
}

import { nextRunAfter } from '../../workflows/schedule';

describe('nextRunAfter (poller cadence)', () => {
  test('an interval counts from the start of the run; a run longer than it is followed at once', () => {
    const started = Date.parse('2026-01-15T10:00:00.000Z');
    const every = { kind: 'interval' as const, seconds: 1 };
    expect(nextRunAfter(started + 300, every, started)).toBe(started + 1000);
    expect(nextRunAfter(started + 1500, every, started)).toBe(started + 1500);
  });

  test('interval: now + seconds', () => {
    const now = Date.parse('2026-03-10T10:00:00Z');
    expect(new Date(nextRunAfter(now, { kind: 'interval', seconds: 45 })).toISOString()).toBe(
      '2026-03-10T10:00:45.000Z',
    );
  });

  test('daily: later today in the zone, else tomorrow', () => {
    const schedule = { kind: 'daily' as const, hour: 6, minute: 30, timeZone: 'Europe/Warsaw' };
    // 04:00 UTC = 05:00 in Warsaw (CET, UTC+1): 06:30 local is still ahead today.
    expect(new Date(nextRunAfter(Date.parse('2026-01-15T04:00:00Z'), schedule)).toISOString()).toBe(
      '2026-01-15T05:30:00.000Z',
    );
    // 06:00 UTC = 07:00 local: past 06:30, so tomorrow.
    expect(new Date(nextRunAfter(Date.parse('2026-01-15T06:00:00Z'), schedule)).toISOString()).toBe(
      '2026-01-16T05:30:00.000Z',
    );
    // Exactly at the hour: the next run is the next day, not now.
    expect(new Date(nextRunAfter(Date.parse('2026-01-15T05:30:00Z'), schedule)).toISOString()).toBe(
      '2026-01-16T05:30:00.000Z',
    );
  });

  test('daily: across the spring daylight-saving change (CET → CEST)', () => {
    const schedule = { kind: 'daily' as const, hour: 6, minute: 0, timeZone: 'Europe/Warsaw' };
    // 2026-03-29 02:00 local the clocks go forward; 06:00 that day is 04:00 UTC (UTC+2).
    expect(new Date(nextRunAfter(Date.parse('2026-03-28T12:00:00Z'), schedule)).toISOString()).toBe(
      '2026-03-29T04:00:00.000Z',
    );
    // And the day before it was 05:00 UTC.
    expect(new Date(nextRunAfter(Date.parse('2026-03-27T12:00:00Z'), schedule)).toISOString()).toBe(
      '2026-03-28T05:00:00.000Z',
    );
  });

  test('daily: another zone', () => {
    const schedule = { kind: 'daily' as const, hour: 23, minute: 15, timeZone: 'America/New_York' };
    // 2026-07-01 12:00 UTC = 08:00 EDT; 23:15 EDT = 03:15 UTC next day.
    expect(new Date(nextRunAfter(Date.parse('2026-07-01T12:00:00Z'), schedule)).toISOString()).toBe(
      '2026-07-02T03:15:00.000Z',
    );
  });
});

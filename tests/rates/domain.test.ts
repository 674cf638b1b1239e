import {
  ExchangeRateMissingError,
  addDays,
  rateDateCandidates,
  rateForTaxPoint,
  toPlnGrosze,
} from '../../domain/exchange-rates';
import { ERROR_TYPES } from '../../domain/errors';

/** Deterministic pseudo-random integers (mulberry32), so a failing case can be replayed. */
function rng(seed: number): (max: number) => number {
  let a = seed;
  return (max) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max);
  };
}

describe('rate dates', () => {
  it('starts the day before the tax point and skips weekends', () => {
    // 2026-11-30 is a Monday: the candidates walk back over the weekend to Friday.
    expect(rateDateCandidates('2026-11-30', 10)).toEqual([
      '2026-11-27',
      '2026-11-26',
      '2026-11-25',
      '2026-11-24',
      '2026-11-23',
      '2026-11-20',
    ]);
    expect(rateDateCandidates('2026-03-02', 3)).toEqual(['2026-02-27']);
  });

  it('refuses what is not a calendar date', () => {
    expect(() => rateDateCandidates('2026-02-30')).toThrow(/calendar date/);
    expect(() => addDays('30.11.2026', 1)).toThrow(/calendar date/);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });

  it('takes the newest rate strictly before the tax point', () => {
    const published = [
      { effectiveDate: '2026-11-26', no: 'a' },
      { effectiveDate: '2026-11-27', no: 'b' },
      { effectiveDate: '2026-11-30', no: 'same day: not allowed' },
    ];
    expect(rateForTaxPoint(published, '2026-11-30')?.no).toBe('b');
    expect(rateForTaxPoint(published, '2026-11-26')).toBeUndefined();
  });
});

describe('toPlnGrosze', () => {
  it('converts exactly and rounds half away from zero to the grosz', () => {
    expect(toPlnGrosze(10000, '4.2345')).toBe(42345); // 100.00 EUR → 423.45 PLN
    expect(toPlnGrosze(1, '4.2345')).toBe(4); // 0.042345 PLN
    expect(toPlnGrosze(1, '0.5')).toBe(1); // exactly half: up
    expect(toPlnGrosze(-1, '0.5')).toBe(-1);
    expect(toPlnGrosze(123456, '0.010987')).toBe(1356); // 1234.56 HUF → 13.564... PLN
    // A float would say 0.1712 × 3 = 0.5136000000000001; BigInt keeps it exact.
    expect(toPlnGrosze(30000, '0.1712')).toBe(5136);
  });

  it('refuses rates that are not plain positive decimals', () => {
    for (const bad of ['', '-4.2', '4,2345', '1e-3', '0', '0.0000']) expect(() => toPlnGrosze(100, bad)).toThrow();
    expect(() => toPlnGrosze(1.5, '4.2345')).toThrow(/integer/);
  });

  it('holds its properties over many amounts and rates', () => {
    const next = rng(20261128);
    for (let i = 0; i < 2000; i++) {
      const a = next(10_000_000) - 5_000_000;
      const b = next(10_000_000);
      const decimals = 1 + next(6);
      const units = 1 + next(10 ** decimals * 50);
      const rate = (units / 10 ** decimals).toFixed(decimals);
      const got = toPlnGrosze(a, rate);
      // Exact within half a grosz of a × rate, computed independently in BigInt at a larger scale.
      const exact = BigInt(a) * BigInt(units); // in 10^-decimals grosze
      const err = BigInt(got) * BigInt(10 ** decimals) - exact;
      expect(2n * (err < 0n ? -err : err) <= BigInt(10 ** decimals)).toBe(true);
      // A refund converts to exactly minus the sale; trailing zeros do not change the result.
      expect(toPlnGrosze(-a, rate)).toBe(-got);
      expect(toPlnGrosze(a, `${rate}00`)).toBe(got);
      // Monotonic, and additive to within one grosz of rounding.
      expect(toPlnGrosze(a + b, rate)).toBeGreaterThanOrEqual(got);
      expect(Math.abs(toPlnGrosze(a + b, rate) - got - toPlnGrosze(b, rate))).toBeLessThanOrEqual(1);
    }
  });
});

describe('ExchangeRateMissingError', () => {
  it('travels as a NeedsPerson error whose reason and message name the currency and date', () => {
    const error = new ExchangeRateMissingError('CZK', '2026-11-30', 'no table');
    expect(error.name).toBe(ERROR_TYPES.needsPerson);
    expect(error.details).toEqual({ reason: 'exchange-rate-missing', currency: 'CZK', taxPointDate: '2026-11-30' });
    expect(error.message).toMatch(/CZK.*2026-11-30/);
  });
});

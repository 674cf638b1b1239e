import { TransientError } from '../../domain/errors';
import { ExchangeRateMissingError } from '../../domain/exchange-rates';
import { createNbpExchangeRates, type NbpExchangeRates } from '../../activities/rates/nbp';
import { startNbpStandIn, type NbpStandIn } from '../../dev/nbp-rates';

let nbp: NbpStandIn;
let rates: NbpExchangeRates;

beforeAll(async () => {
  nbp = await startNbpStandIn();
});
afterAll(async () => {
  await nbp.close();
});
beforeEach(() => {
  rates = createNbpExchangeRates({ baseUrl: nbp.url, today: () => '2026-12-31' });
  nbp.admin.setDown(false);
  for (const c of ['EUR', 'CZK', 'HUF']) nbp.admin.setMissing(c, false);
});
afterEach(async () => {
  await rates.close();
});

describe('NBP exchange rates against the stand-in', () => {
  it('takes the last business day before the tax point, walking back a weekend', async () => {
    // Monday 2026-11-30: Friday's table 2026-11-27.
    const rate = await rates.rateBefore('eur', '2026-11-30');
    expect(rate).toEqual({
      currency: 'EUR',
      rate: expect.stringMatching(/^4\.\d{1,4}$/),
      tableNumber: expect.stringMatching(/^\d+\/A\/NBP\/2026$/),
      effectiveDate: '2026-11-27',
    });
    // On a business day: the day before.
    expect((await rates.rateBefore('EUR', '2026-11-27')).effectiveDate).toBe('2026-11-26');
  });

  it('walks back over holidays: Independence Day and a Christmas run', async () => {
    // 2026-11-11 (Wednesday) has no table: a tax point on the 12th takes the 10th.
    expect((await rates.rateBefore('CZK', '2026-11-12')).effectiveDate).toBe('2026-11-10');
    // 24, 25, 26 December 2025 and the weekend after: 29 December takes the 23rd.
    expect((await rates.rateBefore('CZK', '2025-12-29')).effectiveDate).toBe('2025-12-23');
  });

  it('numbers tables from 1 each year, one per table day, and keeps the mid exact', async () => {
    // 2026-01-02 (Friday) is the first table of 2026; the next one is on Monday the 5th.
    const first = await rates.rateBefore('HUF', '2026-01-05');
    expect(first).toMatchObject({ tableNumber: '1/A/NBP/2026', effectiveDate: '2026-01-02' });
    expect((await rates.rateBefore('HUF', '2026-01-06')).tableNumber).toBe('2/A/NBP/2026');
    expect(first.rate).toMatch(/^0\.01\d{0,4}$/);
    expect(Number(first.rate).toString()).toBe(first.rate);
  });

  it('asks NBP once for repeated and concurrent look-ups of one currency and day', async () => {
    const before = nbp.admin.requests();
    const answers = await Promise.all([1, 2, 3].map(() => rates.rateBefore('EUR', '2026-11-18')));
    await rates.rateBefore('eur', '2026-11-18');
    expect(nbp.admin.requests() - before).toBe(1);
    expect(new Set(answers.map((a) => a.rate)).size).toBe(1);
    await rates.rateBefore('EUR', '2026-11-19');
    expect(nbp.admin.requests() - before).toBe(2);
  });

  it('throws a TransientError while NBP answers 503, and answers once it is back', async () => {
    nbp.admin.setDown(true);
    const error = await rates.rateBefore('EUR', '2026-11-30').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ name: 'TransientError', details: { status: 503, code: 'NBP_UNAVAILABLE' } });
    nbp.admin.setDown(false);
    expect((await rates.rateBefore('EUR', '2026-11-30')).effectiveDate).toBe('2026-11-27');
  });

  it('throws a TransientError when NBP cannot be reached', async () => {
    const unreachable = createNbpExchangeRates({ baseUrl: 'http://127.0.0.1:1', today: () => '2026-12-31' });
    await expect(unreachable.rateBefore('EUR', '2026-11-30')).rejects.toBeInstanceOf(TransientError);
    await unreachable.close();
  });

  it('makes the order wait, naming currency and date, while the rate is missing; finds it once published', async () => {
    nbp.admin.setMissing('CZK', true);
    const error = await rates.rateBefore('CZK', '2026-11-30').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExchangeRateMissingError);
    expect(error).toMatchObject({
      name: 'NeedsPersonError',
      details: { reason: 'exchange-rate-missing', currency: 'CZK', taxPointDate: '2026-11-30' },
    });
    expect((error as Error).message).toMatch(/CZK.*2026-11-30/);
    nbp.admin.setMissing('CZK', false);
    expect((await rates.rateBefore('CZK', '2026-11-30')).effectiveDate).toBe('2026-11-27');
  });

  it('never guesses: unknown currencies and tax points after today have no rate', async () => {
    await expect(rates.rateBefore('XYZ', '2026-11-30')).rejects.toBeInstanceOf(ExchangeRateMissingError);
    await expect(rates.rateBefore('PLN', '2026-11-30')).rejects.toBeInstanceOf(ExchangeRateMissingError);
    const early = createNbpExchangeRates({ baseUrl: nbp.url, today: () => '2026-11-29' });
    await expect(early.rateBefore('EUR', '2026-11-30')).rejects.toThrow(/after today/);
    await early.close();
  });
});

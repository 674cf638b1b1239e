/**
 * Property test of the pure path checkout form → document draft (issue 11): every accepted
 * form is booked exactly (totals, VAT rows, dates), every wrong one is refused with a code and
 * the field, and nothing crashes. fast-check prints the seed and the shrunk case on failure.
 * Long runs: `npm run fuzz -- --cases 100000`.
 */
import fc from 'fast-check';
import { fuzzCaseArb, judge } from './draft-fuzzing';

test('forms, valid and mutated: booked exactly or refused with a reason, never a crash', () => {
  fc.assert(
    fc.property(fuzzCaseArb, (c) => {
      const outcome = judge(c);
      if (outcome.kind === 'crash' || outcome.kind === 'violation')
        throw new Error(`${outcome.kind} (mutation ${c.mutation}): ${outcome.detail}`);
    }),
    { numRuns: 2500 },
  );
});

test('the generator reaches both outcomes', () => {
  const kinds = new Set(fc.sample(fuzzCaseArb, { numRuns: 300, seed: 11 }).map((c) => judge(c).kind));
  expect(kinds).toEqual(new Set(['accepted', 'refused']));
});

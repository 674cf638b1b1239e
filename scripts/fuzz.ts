/**
 * Long fuzz runs of the pure path checkout form → document draft (issue 11):
 * `npm run fuzz -- --cases 100000 [--seed N]`. Prints cases/s and the counts (accepted,
 * refused by reason code, crashes, invariant violations); exits 1 on any crash or violation,
 * showing the first few with the seed and path to replay them.
 */
import { Command } from 'commander';
import fc from 'fast-check';
import { fuzzCaseArb, judge, type Outcome } from '../tests/domain/draft-fuzzing';

const SHOWN = 5;

function main(): number {
  const options = new Command('fuzz')
    .option('--cases <n>', 'number of generated checkout forms', (v) => Number.parseInt(v, 10), 100_000)
    .option('--seed <n>', 'seed (default: random, printed)', (v) => Number.parseInt(v, 10))
    .parse()
    .opts<{ cases: number; seed?: number }>();
  const seed = options.seed ?? Date.now() % 2_147_483_647;

  const refused = new Map<string, number>();
  let accepted = 0;
  const failures: { kind: string; detail: string; form: string }[] = [];
  let crashes = 0;
  let violations = 0;

  const started = process.hrtime.bigint();
  // fc.check runs every case (the predicate never fails) so the counts cover the whole run.
  fc.check(
    fc.property(fuzzCaseArb, (c) => {
      const outcome: Outcome = judge(c);
      if (outcome.kind === 'accepted') accepted++;
      else if (outcome.kind === 'refused') refused.set(outcome.code, (refused.get(outcome.code) ?? 0) + 1);
      else {
        if (outcome.kind === 'crash') crashes++;
        else violations++;
        if (failures.length < SHOWN)
          failures.push({ kind: outcome.kind, detail: `${c.mutation}: ${outcome.detail}`, form: JSON.stringify(c.form) });
      }
      return true;
    }),
    { numRuns: options.cases, seed },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  console.log(`seed ${seed}: ${options.cases} cases in ${seconds.toFixed(1)} s (${Math.round(options.cases / seconds)} cases/s)`);
  console.log(`accepted   ${accepted}`);
  console.log(`refused    ${[...refused.values()].reduce((a, b) => a + b, 0)}`);
  for (const [code, n] of [...refused.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${code.padEnd(22)} ${n}`);
  console.log(`crashes    ${crashes}`);
  console.log(`violations ${violations}`);
  for (const f of failures) console.log(`\n${f.kind}: ${f.detail}\n${f.form}`);
  return crashes + violations > 0 ? 1 : 0;
}

process.exitCode = main();

import {
  BurstPacer,
  PACE_FIRST_GUESS_PER_SECOND,
  PACE_MAX_DELAY_MS,
  PACE_MIN_DELAY_MS,
} from '../../activities/burst-pacing';

/** A clock the test moves by hand. */
function clock(): { now: () => number; advance: (ms: number) => void } {
  let at = 1_000_000;
  return { now: () => at, advance: (ms) => void (at += ms) };
}

describe('BurstPacer', () => {
  test('before any start is measured, a form waits for the forms after it at the first guess', () => {
    const time = clock();
    const pacer = new BurstPacer(401, time.now);
    // 400 forms after the first, at 100 a second: its first task waits 4 s.
    expect(pacer.delayFor(0)).toBe((400 / PACE_FIRST_GUESS_PER_SECOND) * 1000);
    expect(pacer.delayFor(200)).toBe(2000);
  });

  test('the last forms of a page start at once: a wait under the minimum is not worth a timer', () => {
    const pacer = new BurstPacer(100, clock().now);
    expect(pacer.delayFor(99)).toBe(0);
    // 40 forms after it at 100/s = 400 ms, under the minimum.
    expect(pacer.delayFor(59)).toBe(0);
    expect(pacer.delayFor(49)).toBeGreaterThanOrEqual(PACE_MIN_DELAY_MS);
  });

  test('no form waits longer than the maximum, however long the page', () => {
    const pacer = new BurstPacer(100_000, clock().now);
    expect(pacer.delayFor(0)).toBe(PACE_MAX_DELAY_MS);
  });

  test('once starts are measured, the pace is this attempt’s own', () => {
    const time = clock();
    const pacer = new BurstPacer(1000, time.now);
    // 250 started in the first second: 250 a second, faster than the guess.
    for (let i = 0; i < 250; i++) pacer.noteStarted();
    time.advance(1000);
    // 749 forms after the 251st, at 250/s: ~3 s (at the guess it would be ~7.5 s).
    expect(pacer.delayFor(250)).toBe(2996);
    // A slow server: 50 in two more seconds makes it 100 a second again.
    for (let i = 0; i < 50; i++) pacer.noteStarted();
    time.advance(2000);
    expect(pacer.delayFor(300)).toBe(6990);
  });
});

import {
  BurstPacer,
  PACE_FIRST_GUESS_PER_SECOND,
  PACE_MAX_DELAY_MS,
  PACE_MIN_DELAY_MS,
  StartMeter,
} from '../../activities/burst-pacing';

/** A clock the test moves by hand. */
function clock(): { now: () => number; advance: (ms: number) => void } {
  let at = 1_000_000;
  return { now: () => at, advance: (ms) => void (at += ms) };
}

describe('BurstPacer', () => {
  test('before any start is measured, a form waits for the forms after it at the first guess', () => {
    const time = clock();
    const pacer = new BurstPacer(401, 0, new StartMeter(time.now));
    // 400 forms after the first, at 100 a second: its first task waits 4 s.
    expect(pacer.delayFor(0)).toBe((400 / PACE_FIRST_GUESS_PER_SECOND) * 1000);
    expect(pacer.delayFor(200)).toBe(2000);
  });

  test("a part's forms wait for the page's other parts too", () => {
    const meter = new StartMeter(clock().now);
    // The last form of a 100-form part with 300 forms in the other parts: 3 s at 100/s.
    expect(new BurstPacer(100, 300, meter).delayFor(99)).toBe(3000);
    expect(new BurstPacer(100, 0, meter).delayFor(99)).toBe(0);
  });

  test('the last forms of a page start at once: a wait under the minimum is not worth a timer', () => {
    const pacer = new BurstPacer(100, 0, new StartMeter(clock().now));
    expect(pacer.delayFor(99)).toBe(0);
    // 40 forms after it at 100/s = 400 ms, under the minimum.
    expect(pacer.delayFor(59)).toBe(0);
    expect(pacer.delayFor(49)).toBeGreaterThanOrEqual(PACE_MIN_DELAY_MS);
  });

  test('no form waits longer than the maximum, however long the page', () => {
    const pacer = new BurstPacer(100_000, 0, new StartMeter(clock().now));
    expect(pacer.delayFor(0)).toBe(PACE_MAX_DELAY_MS);
  });

  test("once starts are measured, the pace is the process's over the last seconds, every part's starts together", () => {
    const time = clock();
    const meter = new StartMeter(time.now);
    const first = new BurstPacer(500, 500, meter);
    const second = new BurstPacer(500, 0, meter);
    // 250 started in the first second, by the two parts: 250 a second, faster than the guess.
    for (let i = 0; i < 250; i++) meter.noteStarted();
    time.advance(1000);
    // 124 + 500 forms after the first part's 376th, at 250/s: ~2.5 s (at the guess ~6.2 s).
    expect(first.delayFor(375)).toBe(2496);
    expect(second.delayFor(370)).toBe(516);
    // A slow server: 3 s later, 150 more in the last second make it 150 a second.
    time.advance(2000);
    for (let i = 0; i < 150; i++) meter.noteStarted();
    time.advance(1000);
    expect(first.delayFor(400)).toBe(Math.round((599 / 150) * 1000));
  });

  test('a meter with too few recent starts gives no pace (the first guess holds)', () => {
    const time = clock();
    const meter = new StartMeter(time.now);
    for (let i = 0; i < 100; i++) meter.noteStarted();
    expect(meter.perSecond()).toBeGreaterThan(0);
    time.advance(5000);
    expect(meter.perSecond()).toBeUndefined();
  });
});

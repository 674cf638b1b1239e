/**
 * A burst's pacing. The order workflows of a long page (a backlog, a sale's burst) are started
 * with their first workflow task deferred until about when the page's last one will have been
 * started. Starting makes an order durable and visible in the Web UI (Running, `Fetching`);
 * the first tasks of the orders started before it would otherwise compete with every start
 * after them on the same cores, and discovery of a 1,000-order burst slowed from ~140 to ~90
 * starts a second. The orders are imported in about the same time either way: their work then
 * begins together, at the pace the workers allow.
 *
 * The pace is measured: after the first starts, this attempt's own rate; before, a guess.
 */

/** Starts a second assumed before any was measured (2 cores with the dev server: ~100–140). */
export const PACE_FIRST_GUESS_PER_SECOND = 100;
/** Measured from this many starts on. */
const PACE_MEASURED_FROM = 32;
/** No order waits longer than this for its first task because of the pacing. */
export const PACE_MAX_DELAY_MS = 10_000;
/** Shorter deferrals are not worth a timer: the order starts at once. */
export const PACE_MIN_DELAY_MS = 500;

export class BurstPacer {
  private started = 0;
  private readonly since: number;

  /** `forms`: how many this attempt starts; `now`: the clock (tests pass their own). */
  constructor(
    private readonly forms: number,
    private readonly now: () => number = Date.now,
  ) {
    this.since = now();
  }

  /** The start delay for this attempt's form at `index`, in ms; 0 starts its first task at once. */
  delayFor(index: number): number {
    const elapsedSeconds = (this.now() - this.since) / 1000;
    const perSecond =
      this.started >= PACE_MEASURED_FROM && elapsedSeconds > 0
        ? this.started / elapsedSeconds
        : PACE_FIRST_GUESS_PER_SECOND;
    const after = Math.max(0, this.forms - index - 1);
    const ms = Math.min(PACE_MAX_DELAY_MS, (after / perSecond) * 1000);
    return ms < PACE_MIN_DELAY_MS ? 0 : Math.round(ms);
  }

  /** One more form handed over (started, signalled or found done). */
  noteStarted(): void {
    this.started++;
  }
}

/**
 * A burst's pacing. The order workflows of a long page (a backlog, a sale's burst) are started
 * with their first workflow task deferred until about when the page's last one will have been
 * started. Starting makes an order durable and visible in the Web UI (Running, `Fetching`);
 * the first tasks of the orders started before it would otherwise compete with every start
 * after them on the same cores, and discovery of a 1,000-order burst slowed from ~140 to ~90
 * starts a second. The orders are imported in about the same time either way: their work then
 * begins together, at the pace the workers allow.
 *
 * The pace is measured: after the first starts, this process's rate over the last seconds; before, a guess.
 */

/** Starts a second assumed before any was measured (2 cores with the dev server: ~100–140). */
export const PACE_FIRST_GUESS_PER_SECOND = 100;
/** Measured from this many starts on. */
const PACE_MEASURED_FROM = 32;
/** The pace is that of the starts in this last stretch of time. */
const PACE_WINDOW_MS = 3000;
/** No order waits longer than this for its first task because of the pacing. */
export const PACE_MAX_DELAY_MS = 10_000;
/** Shorter deferrals are not worth a timer: the order starts at once. */
export const PACE_MIN_DELAY_MS = 500;

/**
 * The starts this process's dispatches handed over in the last few seconds: a page's parts run
 * side by side (and after one another), so the pace that says when the page ends is theirs
 * together, not one part's own.
 */
export class StartMeter {
  private readonly times: number[] = [];

  /** `now`: the clock (tests pass their own). */
  constructor(private readonly now: () => number = Date.now) {}

  noteStarted(): void {
    const at = this.now();
    this.times.push(at);
    while (this.times.length > 0 && this.times[0] < at - PACE_WINDOW_MS) this.times.shift();
  }

  /** Starts a second in the window, once enough were measured; undefined before. */
  perSecond(): number | undefined {
    const first = this.times.findIndex((at) => at >= this.now() - PACE_WINDOW_MS);
    const recent = first < 0 ? 0 : this.times.length - first;
    if (recent < PACE_MEASURED_FROM) return undefined;
    return recent / Math.max(0.001, (this.now() - this.times[first]) / 1000);
  }
}

export class BurstPacer {
  /**
   * `forms`: how many this attempt starts; `others`: forms of the page's other parts (taken in
   * no set order, any may still be starting, so its orders wait for them too); `meter`: the
   * process's pace.
   */
  constructor(
    private readonly forms: number,
    private readonly others: number,
    private readonly meter: StartMeter,
  ) {}

  /** The start delay for this attempt's form at `index`, in ms; 0 starts its first task at once. */
  delayFor(index: number): number {
    const perSecond = this.meter.perSecond() ?? PACE_FIRST_GUESS_PER_SECOND;
    const after = Math.max(0, this.forms - index - 1) + this.others;
    const ms = Math.min(PACE_MAX_DELAY_MS, (after / perSecond) * 1000);
    return ms < PACE_MIN_DELAY_MS ? 0 : Math.round(ms);
  }
}

/**
 * How far a page's dispatch has got, kept in its heartbeats: forms are started up to 128 at
 * once and finish in any order, so the progress is the count of leading forms all finished
 * (a watermark). A retry on another worker starts after them; a form after them that was
 * already started gets its event again, and reads its order again, as after any repeated event.
 */
import type { DispatchResult } from './types';

export type DispatchOutcome = 'dispatched' | 'alreadyDone' | 'cancellationStarted';

type Counts = Omit<DispatchResult, 'cursor'>;

export interface DispatchProgress {
  /** The page's first `done` forms (in dispatch order) were handed to their workflows. */
  done: number;
  /** What happened to those forms. */
  counts: Counts;
}

/**
 * Often enough that a killed worker is noticed soon (the dispatch's heartbeat timeout is 1.5 s)
 * and a retry redoes little. The dispatch worker sends beats this often (worker/start.ts); the
 * SDK would send at most one every 80 % of the timeout.
 */
export const DISPATCH_HEARTBEAT_MS = 300;

export class DispatchProgressTracker {
  /** The first form this attempt dispatches. */
  readonly start: number;
  private readonly outcomes: (DispatchOutcome | undefined)[];
  private done: number;
  private readonly counts: Counts;

  constructor(forms: number, resumed: DispatchProgress | undefined) {
    // A progress of another page (its input changed) or a malformed one is not trusted.
    const valid =
      resumed !== undefined &&
      Number.isInteger(resumed.done) &&
      resumed.done <= forms &&
      typeof resumed.counts === 'object' &&
      resumed.counts !== null;
    this.start = valid ? resumed.done : 0;
    this.done = this.start;
    this.counts = valid ? { ...resumed.counts } : { dispatched: 0, alreadyDone: 0, cancellationsStarted: 0 };
    this.outcomes = new Array<DispatchOutcome | undefined>(forms);
  }

  finished(index: number, outcome: DispatchOutcome): void {
    this.outcomes[index] = outcome;
    for (let next = this.outcomes[this.done]; next !== undefined; next = this.outcomes[this.done]) {
      if (next === 'dispatched') this.counts.dispatched++;
      else if (next === 'cancellationStarted') this.counts.cancellationsStarted++;
      else this.counts.alreadyDone++;
      this.done++;
    }
  }

  snapshot(): DispatchProgress {
    return { done: this.done, counts: { ...this.counts } };
  }
}

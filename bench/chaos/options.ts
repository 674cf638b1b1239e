/** What a chaos run is given, and the defaults `npm run chaos` uses (issue 15's run). */

export interface ChaosOptions {
  /** Paid orders injected (a merged payment counts once: its two unpaid forms become one paid). */
  orders: number;
  /** The orders arrive over this many seconds; 0: all at once (a burst). */
  spreadSeconds: number;
  /** Chance that an Allegro API call answers 503 or 429 (half each). */
  allegroFaultRate: number;
  /** Chance that an Optima login (a write transaction) is refused for want of a licence. */
  licenceRefusalRate: number;
  /** Worker processes running at once (how users scale out). */
  workers: number;
  /** Worker SIGKILLs at random moments; the killed process is started again. */
  kills: number;
  /** Restarts of the Temporal dev server (same database file) at a random moment. */
  serverRestarts: number;
  /** Share of paid orders the buyer cancels later (some before, some after their document). */
  cancelRate: number;
  /** Share of paid orders whose READY_FOR_PROCESSING event Allegro sends again. */
  repeatRate: number;
  /** Share of paid orders that are a merged payment of two unpaid forms. */
  mergeRate: number;
  /** Faults (kills, restarts) happen within this many seconds of the start; default: spread + 20. */
  faultWindowSeconds?: number;
  /** The poller's interval and page size. */
  pollIntervalSeconds: number;
  pageSize: number;
  /** Give up waiting for the run to settle after this long past the last fault. */
  settleTimeoutSeconds: number;
  seed: number;
  /** A workflow bundle made beforehand (the tests' shared one); default: bundled at the start. */
  workflowBundlePath?: string;
  log?: (line: string) => void;
}

export const DEFAULT_CHAOS_OPTIONS: ChaosOptions = {
  orders: 1000,
  spreadSeconds: 0,
  allegroFaultRate: 0.1,
  licenceRefusalRate: 0.2,
  workers: 2,
  kills: 3,
  serverRestarts: 1,
  cancelRate: 0.03,
  repeatRate: 0.05,
  mergeRate: 0.03,
  pollIntervalSeconds: 1,
  pageSize: 1000,
  settleTimeoutSeconds: 900,
  seed: 1,
};

export function chaosWithDefaults(input: Partial<ChaosOptions>): ChaosOptions {
  return { ...DEFAULT_CHAOS_OPTIONS, ...input };
}

/** A small deterministic generator (mulberry32): the same seed draws the same moments and orders. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

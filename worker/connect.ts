/**
 * A worker started before Temporal answers (a host booting, a server restarting) waits for it,
 * as a service should, instead of exiting: the connection is tried again with a growing pause,
 * and each failed attempt is reported so the operator sees why nothing runs yet.
 */

export interface ConnectRetry {
  /** First pause after a failed attempt. Default 1 s. */
  initialDelayMs?: number;
  /** The pause doubles up to this. Default 30 s. */
  maxDelayMs?: number;
  /** Give up (throw the last error) after this long; default: never. */
  giveUpAfterMs?: number;
  /** Told about each failed attempt and the pause before the next one. */
  onRetry?: (failure: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Injected by tests. */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function connectWithRetry<T>(connect: () => Promise<T>, options: ConnectRetry = {}): Promise<T> {
  const { initialDelayMs = 1000, maxDelayMs = 30_000, giveUpAfterMs, onRetry, sleep = realSleep } = options;
  const started = Date.now();
  let delayMs = initialDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect();
    } catch (error) {
      if (giveUpAfterMs !== undefined && Date.now() - started + delayMs > giveUpAfterMs) throw error;
      onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  }
}

/** The line a worker prints for a failed attempt: where, why, and when it tries again. */
export function describeConnectRetry(address: string, failure: { attempt: number; delayMs: number; error: unknown }) {
  const reason = failure.error instanceof Error ? failure.error.message : String(failure.error);
  return (
    `Temporal at ${address} is not reachable (attempt ${failure.attempt}: ${reason.split('\n')[0]}); ` +
    `retrying in ${(failure.delayMs / 1000).toFixed(1)} s`
  );
}

/**
 * Stand-in for Optima's module licences. A real Optima hands out module seats at login
 * through the Comarch key manager; no SQL table shows them (SCHEMA.md §14), and an
 * integration only learns about exhaustion when its login fails (INTEGRATION.md §3).
 * The gateway over the embedded Optima calls tryAcquire() where it would log in and
 * release() where it would log out, so tests can run out of seats on purpose.
 */
export interface LicenceSimulator {
  /** Seats free now; Infinity by default. Tests may set it. */
  available: number;
  /** The next n tryAcquire() calls fail, whatever `available` says. */
  failNext(n: number): void;
  /** Each tryAcquire() also fails with this chance (0–1; default 0): the chaos run's refusals. */
  refusalRate: number;
  /** Takes a seat: false when none is free ("Wyczerpane"). */
  tryAcquire(): boolean;
  /** Gives a seat back; throws when more are released than were taken (a gateway bug). */
  release(): void;
  /** acquired/refused: counts since creation; inUse: seats held now. */
  stats(): { acquired: number; refused: number; inUse: number };
}

export function createLicenceSimulator(): LicenceSimulator {
  let failures = 0;
  let acquired = 0;
  let refused = 0;
  let inUse = 0;
  return {
    available: Infinity,
    refusalRate: 0,
    failNext(n: number): void {
      if (!Number.isInteger(n) || n < 0) throw new Error(`failNext needs a count >= 0, got ${n}`);
      failures = n;
    },
    tryAcquire(): boolean {
      if (failures > 0 || this.available < 1 || Math.random() < this.refusalRate) {
        if (failures > 0) failures--;
        refused++;
        return false;
      }
      this.available--;
      acquired++;
      inUse++;
      return true;
    },
    release(): void {
      if (inUse === 0) throw new Error('licence released that was not acquired');
      inUse--;
      this.available++;
    },
    stats() {
      return { acquired, refused, inUse };
    },
  };
}

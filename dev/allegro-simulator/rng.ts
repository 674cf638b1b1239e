/**
 * Seeded pseudo-random numbers for the simulator: the same seed gives the same orders.
 * Each order draws from its own stream (seed + order number), so fixing one field of an
 * order in a test does not shift the data of every order generated after it.
 */

/** splitmix32 step: spreads a small seed over 32 bits before mulberry32 uses it. */
function mix(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export class Rng {
  private state: number;

  constructor(seed: number, stream = 0) {
    this.state = mix(mix(seed) ^ Math.imul(stream + 1, 0x27d4eb2d));
  }

  /** mulberry32: fast, 32-bit state, good enough for test data. Returns [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [value, weight] of choices) {
      r -= weight;
      if (r < 0) return value;
    }
    return choices[choices.length - 1][0];
  }

  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0) out.push(pool.splice(this.int(0, pool.length - 1), 1)[0]);
    return out;
  }

  hex(length: number): string {
    let s = '';
    while (s.length < length) s += this.int(0, 15).toString(16);
    return s;
  }

  digits(length: number): string {
    let s = '';
    while (s.length < length) s += String(this.int(0, 9));
    return s;
  }

  /** Lowercase letters and digits, like the local part of Allegro's masked e-mails. */
  alnum(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
    let s = '';
    while (s.length < length) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }

  /** A version-1-looking UUID, as Allegro's checkout form, line item and payment ids are. */
  uuid(): string {
    const variant = (8 + this.int(0, 3)).toString(16);
    return `${this.hex(8)}-${this.hex(4)}-1${this.hex(3)}-${variant}${this.hex(3)}-${this.hex(12)}`;
  }
}

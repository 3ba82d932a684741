/** Seeded randomness for the fuzzers: the same seed always draws the same values. */

/** A small, fast, seeded PRNG (mulberry32): uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws from a seeded PRNG: floats, integers, picks and coin flips. */
export class Dice {
  readonly #rand: () => number;

  constructor(rand: () => number) {
    this.#rand = rand;
  }

  /** A float in [0, 1). */
  rand(): number {
    return this.#rand();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.#rand() * n);
  }

  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.#rand() < p;
  }
}

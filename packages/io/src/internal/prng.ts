/**
 * A small seeded pseudo-random generator (mulberry32) so that every simulated crash is
 * reproducible from its seed. Not for anything but tests and the simulator.
 */

/** Returns a function yielding uint32 values from `seed`. */
export function seededUint32(seed: number): () => number {
  let s = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A seeded source of choices. */
export class Prng {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = seededUint32(seed);
  }

  /** A uint32. */
  uint32(): number {
    return this.next();
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return n <= 1 ? 0 : this.next() % n;
  }

  /** True with probability 1/2. */
  coin(): boolean {
    return (this.next() & 1) === 1;
  }
}

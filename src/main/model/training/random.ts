/**
 * Seeded pseudo-random numbers, so that splits, shuffles and training runs can be repeated exactly: the same
 * seed gives the same sequence on every machine and Node version (Math.random cannot be seeded).
 */

export interface Random {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal. */
  normal(): number;
}

/**
 * mulberry32: a 32-bit state generator, fast and well distributed enough for shuffling and synthetic data
 * (not for cryptography). Any number is accepted as the seed; it is reduced to 32 bits.
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  // Box–Muller yields normals in pairs; the second is kept for the next call.
  let spare: number | null = null;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (spare !== null) {
        const value = spare;
        spare = null;
        return value;
      }
      // 1 - next() is in (0, 1], so the logarithm is finite.
      const radius = Math.sqrt(-2 * Math.log(1 - next()));
      const angle = 2 * Math.PI * next();
      spare = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
  };
}

interface Swappable {
  length: number;
  [index: number]: unknown;
}

/** Fisher–Yates shuffle in place: every permutation equally likely. Returns the same array. */
export function shuffle<T extends Swappable>(array: T, random: Random): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const held = array[i];
    array[i] = array[j];
    array[j] = held;
  }
  return array;
}

/** 0 … n-1 in random order. */
export function permutation(n: number, random: Random): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return shuffle(order, random);
}

/**
 * Returns a mulberry32 generator: a 32-bit-state PRNG (Tommy Ettinger, public domain)
 * yielding floats in [0, 1). It is fast and gives the same sequence on every platform
 * for a given seed, which Math.random cannot.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles `values` in place with Fisher-Yates driven by `random`, and returns it. */
export function shuffleInPlace<T extends { length: number; [index: number]: number }>(values: T, random: () => number): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = values[i];
    values[i] = values[j];
    values[j] = swap;
  }
  return values;
}

/**
 * Returns 0..count-1 in an order determined by `seed` alone, identical across runs and
 * machines. Seeds are taken modulo 2^32.
 */
export function shuffledIndices(count: number, seed: number): Uint32Array {
  const indices = new Uint32Array(count);
  for (let i = 0; i < count; i++) indices[i] = i;
  return shuffleInPlace(indices, mulberry32(seed));
}

/**
 * Mixes a base seed and an epoch number into one seed, so each epoch gets a different
 * but reproducible order. Uses the MurmurHash3 32-bit finaliser so that nearby inputs
 * give unrelated outputs.
 */
export function epochSeed(seed: number, epoch: number): number {
  let h = (seed ^ Math.imul(epoch + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

import type { ImageSetInput } from '../../src/datasets';

/** Creates a deterministic PRNG (mulberry32), so every test run uses the same data. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Builds a small image set (8x8x3 to keep it light) with labels cycling over 10 classes. */
export function syntheticImageSet(count: number, options: { name?: string; split?: 'train' | 'test'; seed?: number } = {}): ImageSetInput {
  const random = createRandom(options.seed ?? 1);
  const height = 8;
  const width = 8;
  const channels = 3;
  const pixels = new Uint8Array(count * height * width * channels);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.floor(random() * 256);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = i % 10;
  return {
    name: options.name ?? 'synthetic',
    split: options.split ?? 'train',
    height,
    width,
    channels,
    pixels,
    labels,
    classNames: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
    count,
  };
}

/**
 * Embeddings shaped like a trained encoder's: one Gaussian cluster per class (centres at
 * distance ~ sqrt(dim) apart, spread 0.6 per coordinate), float32.
 */
export function clusteredEmbeddings(labels: Uint8Array, dim: number, seed = 7): Float32Array {
  const random = createRandom(seed);
  const centres = Array.from({ length: 10 }, () => Array.from({ length: dim }, () => gaussian(random)));
  const vectors = new Float32Array(labels.length * dim);
  for (let row = 0; row < labels.length; row++) {
    const centre = centres[labels[row]];
    for (let j = 0; j < dim; j++) vectors[row * dim + j] = centre[j] + 0.6 * gaussian(random);
  }
  return vectors;
}

/** L2 distance in float64; pgvector sums in float32, so compare with a tolerance of about 1e-5 relative. */
export function l2(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return Math.sqrt(sum);
}

import type { ImageSet } from '@dim/dataset';

/** Side of the square pixel blocks that are averaged into one embedding component. */
const BLOCK = 8;

/**
 * Compute a deterministic embedding per image from its pixels: the mean of each channel
 * over 8x8 blocks, scaled to (0, 1]. For 32x32x3 images that is 4 * 4 * 3 = 48 values.
 * Images with similar colour layouts get similar vectors, so the nearest and farthest
 * neighbours differ visibly, as with a trained encoder, without training one. The +1
 * keeps an all-black image from giving the all-zero vector the database rejects.
 */
export function pixelBlockEmbeddings(set: ImageSet): { vectors: Float32Array; dim: number } {
  const blocksY = Math.floor(set.height / BLOCK);
  const blocksX = Math.floor(set.width / BLOCK);
  const dim = blocksY * blocksX * set.channels;
  const imageBytes = set.height * set.width * set.channels;
  const vectors = new Float32Array(set.count * dim);

  for (let image = 0; image < set.count; image++) {
    const pixels = set.pixels.subarray(image * imageBytes, (image + 1) * imageBytes);
    for (let by = 0; by < blocksY; by++) {
      for (let bx = 0; bx < blocksX; bx++) {
        for (let channel = 0; channel < set.channels; channel++) {
          let sum = 0;
          for (let y = by * BLOCK; y < (by + 1) * BLOCK; y++) {
            for (let x = bx * BLOCK; x < (bx + 1) * BLOCK; x++) {
              sum += pixels[(y * set.width + x) * set.channels + channel];
            }
          }
          const component = ((by * blocksX + bx) * set.channels) + channel;
          vectors[image * dim + component] = (sum / (BLOCK * BLOCK) + 1) / 256;
        }
      }
    }
  }
  return { vectors, dim };
}

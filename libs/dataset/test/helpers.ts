import type { ImageSet } from '../src';

/**
 * Builds a small in-memory set of 2x2x3 images. Every byte of image i equals i (mod 256)
 * and its label is `labels[i]`, so tests can tell images apart by any pixel.
 */
export function tinySet(labels: readonly number[], classCount = 3): ImageSet {
  const bytes = 2 * 2 * 3;
  const pixels = new Uint8Array(labels.length * bytes);
  labels.forEach((_, i) => pixels.fill(i % 256, i * bytes, (i + 1) * bytes));
  return {
    name: 'tiny',
    split: 'train',
    height: 2,
    width: 2,
    channels: 3,
    pixels,
    labels: Uint8Array.from(labels),
    classNames: Array.from({ length: classCount }, (_, c) => `class ${c}`),
    count: labels.length,
  };
}

import type { ImageSet } from './types';

/** Bytes of one image: height * width * channels. */
export function imageBytes(set: ImageSet): number {
  return set.height * set.width * set.channels;
}

/** Returns image `index` as HWC uint8 pixels: a view into `set.pixels`, not a copy. */
export function imagePixels(set: ImageSet, index: number): Uint8Array {
  checkImageIndex(set, index);
  const size = imageBytes(set);
  return set.pixels.subarray(index * size, (index + 1) * size);
}

/** Raises a RangeError unless `index` is an integer in 0..count-1. */
export function checkImageIndex(set: ImageSet, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= set.count) {
    throw new RangeError(`Image index ${index} is out of range for ${set.name} ${set.split} (${set.count} images, valid 0..${set.count - 1}).`);
  }
}

/** Returns a new set holding copies of the images at `indices`, in that order. */
export function selectImages(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = imageBytes(set);
  const pixels = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    checkImageIndex(set, index);
    pixels.set(set.pixels.subarray(index * size, (index + 1) * size), i * size);
    labels[i] = set.labels[index];
  }
  return { ...set, pixels, labels, count: indices.length };
}

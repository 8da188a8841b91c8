import { selectImages } from './image-set';
import type { ImageSet } from './types';

export type SubsetOptions =
  /** The first `perClass` images of each class, in file order. */
  | { readonly perClass: number }
  /** The first `total` images, in file order. */
  | { readonly total: number };

/**
 * Returns a smaller copy of `set` for quick runs. Images keep their file order. Raises
 * when the set has fewer images than requested, rather than silently returning fewer.
 */
export function takeSubset(set: ImageSet, options: SubsetOptions): ImageSet {
  if ('total' in options) {
    checkCount('total', options.total);
    if (options.total > set.count) {
      throw new RangeError(`Subset of ${options.total} images requested, but ${set.name} ${set.split} has only ${set.count}. Request at most ${set.count}.`);
    }
    return selectImages(set, Array.from({ length: options.total }, (_, i) => i));
  }

  const { perClass } = options;
  checkCount('perClass', perClass);
  const takenPerClass = new Array<number>(set.classNames.length).fill(0);
  const indices: number[] = [];
  for (let i = 0; i < set.count; i++) {
    const label = set.labels[i];
    if (takenPerClass[label] < perClass) {
      takenPerClass[label]++;
      indices.push(i);
    }
  }
  const shortClass = takenPerClass.findIndex((taken) => taken < perClass);
  if (shortClass >= 0) {
    throw new RangeError(
      `Subset of ${perClass} images per class requested, but ${set.name} ${set.split} has only ${takenPerClass[shortClass]} of class ${shortClass} (${set.classNames[shortClass]}). Request at most ${Math.min(...takenPerClass)} per class.`,
    );
  }
  return selectImages(set, indices);
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Invalid subset size ${name}=${value}: expected a positive integer.`);
  }
}

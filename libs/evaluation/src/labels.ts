/** Class labels, one a vector, 0-based. */
export type Labels = Uint8Array | Int32Array;

/**
 * Raises a RangeError unless `labels` has `count` non-negative integer entries, and returns the
 * number of classes they imply (largest label + 1).
 */
export function checkLabels(labels: Labels, count: number, name: string): number {
  if (labels.length !== count) {
    throw new RangeError(`The ${name} labels have ${labels.length} entries but there are ${count} ${name} vectors; pass one label a vector.`);
  }
  let maxLabel = -1;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label < 0) {
      throw new RangeError(`Invalid ${name} label ${label} at index ${i}: labels must be 0-based class indices.`);
    }
    if (label > maxLabel) maxLabel = label;
  }
  return maxLabel + 1;
}

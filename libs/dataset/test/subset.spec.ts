import { imagePixels, selectImages, takeSubset } from '../src';
import { tinySet } from './helpers';

describe('takeSubset', () => {
  const labels = [2, 0, 0, 1, 2, 0, 1, 1, 2, 0];
  const set = tinySet(labels);

  it('takes the first N per class in file order', () => {
    const subset = takeSubset(set, { perClass: 2 });
    expect(subset.count).toBe(6);
    // Original indices 0 (2), 1 (0), 2 (0), 3 (1), 4 (2), 6 (1).
    expect(Array.from(subset.labels)).toEqual([2, 0, 0, 1, 2, 1]);
    expect(Array.from(subset.labels, (_, i) => imagePixels(subset, i)[0])).toEqual([0, 1, 2, 3, 4, 6]);
  });

  it('takes the first N overall', () => {
    const subset = takeSubset(set, { total: 3 });
    expect(subset.count).toBe(3);
    expect(Array.from(subset.labels)).toEqual([2, 0, 0]);
    expect(subset.pixels.length).toBe(3 * 12);
  });

  it('copies pixels', () => {
    const subset = takeSubset(set, { total: 1 });
    subset.pixels[0] = 99;
    expect(set.pixels[0]).toBe(0);
  });

  it('rejects more per class than a class has', () => {
    expect(() => takeSubset(set, { perClass: 4 })).toThrow('Subset of 4 images per class requested, but tiny train has only 3 of class 1 (class 1). Request at most 3 per class.');
  });

  it('rejects invalid sizes', () => {
    expect(() => takeSubset(set, { total: 11 })).toThrow('Subset of 11 images requested, but tiny train has only 10.');
    expect(() => takeSubset(set, { total: 0 })).toThrow('Invalid subset size total=0: expected a positive integer.');
    expect(() => takeSubset(set, { perClass: 1.5 })).toThrow('Invalid subset size perClass=1.5');
  });
});

describe('selectImages', () => {
  it('copies images in the given order', () => {
    const set = tinySet([0, 1, 2, 0]);
    const picked = selectImages(set, [3, 0, 3]);
    expect(picked.count).toBe(3);
    expect(Array.from(picked.labels)).toEqual([0, 0, 0]);
    expect([imagePixels(picked, 0)[5], imagePixels(picked, 1)[5], imagePixels(picked, 2)[5]]).toEqual([3, 0, 3]);
  });
});

describe('imagePixels', () => {
  it('returns a view of one image', () => {
    const set = tinySet([0, 1, 2]);
    const pixels = imagePixels(set, 1);
    expect(pixels.length).toBe(12);
    expect(pixels.buffer).toBe(set.pixels.buffer);
    expect(Array.from(pixels)).toEqual(new Array(12).fill(1));
    expect(() => imagePixels(set, 3)).toThrow('Image index 3 is out of range');
    expect(() => imagePixels(set, -1)).toThrow('Image index -1 is out of range');
  });
});

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import {
  DatasetFormatError,
  DatasetNotFoundError,
  FASHION_MNIST_CLASS_NAMES,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  imagePixels,
  padGreyToRgb32,
  parseIdx,
  readFashionMnist,
} from '../src';
import { idxFile, makeTempDir, removeDir } from './fixtures';

/** Grey value of source pixel (row, col) of image `index`; never 0, so padding is distinguishable. */
const greyAt = (index: number, row: number, col: number): number => 1 + ((index * 31 + row * 28 + col) % 255);

function greyImages(count: number): Uint8Array {
  const data = new Uint8Array(count * 28 * 28);
  for (let i = 0; i < count; i++) {
    for (let row = 0; row < 28; row++) for (let col = 0; col < 28; col++) data[i * 784 + row * 28 + col] = greyAt(i, row, col);
  }
  return data;
}

describe('parseIdx', () => {
  it('reads dimensions and data', () => {
    const data = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    const idx = parseIdx(idxFile(IDX_IMAGES_MAGIC, [1, 2, 3], data), 'x.idx', IDX_IMAGES_MAGIC);
    expect(idx.dimensions).toEqual([1, 2, 3]);
    expect(Array.from(idx.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads gzipped file', () => {
    const idx = parseIdx(gzipSync(idxFile(IDX_LABELS_MAGIC, [3], Uint8Array.from([9, 0, 4]))), 'x.gz', IDX_LABELS_MAGIC);
    expect(Array.from(idx.data)).toEqual([9, 0, 4]);
  });

  it('rejects swapped files by magic number', () => {
    const labels = idxFile(IDX_LABELS_MAGIC, [2], Uint8Array.from([1, 2]));
    expect(() => parseIdx(labels, 'labels.idx', IDX_IMAGES_MAGIC)).toThrow(DatasetFormatError);
    expect(() => parseIdx(labels, 'labels.idx', IDX_IMAGES_MAGIC)).toThrow('Invalid data file labels.idx: expected IDX magic number 2051, found 2049. Check that image and label files are not swapped');
  });

  it('rejects data shorter than dimensions', () => {
    const file = idxFile(IDX_IMAGES_MAGIC, [2, 28, 28], new Uint8Array(784 + 10));
    expect(() => parseIdx(file, 'short.idx', IDX_IMAGES_MAGIC)).toThrow('expected 1,568 data bytes for dimensions [2, 28, 28], found 794 bytes');
  });

  it('rejects truncated header', () => {
    expect(() => parseIdx(Buffer.from([0, 0, 8, 3, 0, 0]), 'tiny.idx', IDX_IMAGES_MAGIC)).toThrow('expected a 16-byte header for 3 dimensions, found 6 bytes');
    expect(() => parseIdx(Buffer.from([0, 0]), 'tiny.idx', IDX_IMAGES_MAGIC)).toThrow('found only 2 bytes');
  });

  it('rejects truncated gzip', () => {
    const gz = gzipSync(idxFile(IDX_LABELS_MAGIC, [1000], new Uint8Array(1000).fill(3)));
    expect(() => parseIdx(gz.subarray(0, gz.byteLength - 20), 'cut.gz', IDX_LABELS_MAGIC)).toThrow('Invalid data file cut.gz: expected a complete gzip stream, found a gzip error');
  });
});

describe('padGreyToRgb32', () => {
  it('pads 2 pixels and replicates grey', () => {
    const out = padGreyToRgb32(greyImages(2), 2);
    expect(out.length).toBe(2 * 32 * 32 * 3);
    for (let i = 0; i < 2; i++) {
      for (let row = 0; row < 32; row++) {
        for (let col = 0; col < 32; col++) {
          const offset = i * 3072 + (row * 32 + col) * 3;
          const inside = row >= 2 && row < 30 && col >= 2 && col < 30;
          const value = inside ? greyAt(i, row - 2, col - 2) : 0;
          expect([out[offset], out[offset + 1], out[offset + 2]]).toEqual([value, value, value]);
        }
      }
    }
  });
});

describe('readFashionMnist', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await makeTempDir();
  });

  afterEach(async () => {
    await removeDir(dir);
  });

  it('reads plain and gzipped files', async () => {
    await writeFile(path.join(dir, 't10k-images-idx3-ubyte'), idxFile(IDX_IMAGES_MAGIC, [3, 28, 28], greyImages(3)));
    await writeFile(path.join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxFile(IDX_LABELS_MAGIC, [3], Uint8Array.from([9, 0, 5]))));
    const set = await readFashionMnist(dir, 'test');
    expect(set.count).toBe(3);
    expect([set.height, set.width, set.channels]).toEqual([32, 32, 3]);
    expect(Array.from(set.labels)).toEqual([9, 0, 5]);
    expect(set.classNames).toEqual(FASHION_MNIST_CLASS_NAMES);
    const third = imagePixels(set, 2);
    expect(Array.from(third.subarray((2 * 32 + 2) * 3, (2 * 32 + 2) * 3 + 3))).toEqual([greyAt(2, 0, 0), greyAt(2, 0, 0), greyAt(2, 0, 0)]);
  });

  it('rejects label count mismatch', async () => {
    await writeFile(path.join(dir, 'train-images-idx3-ubyte'), idxFile(IDX_IMAGES_MAGIC, [3, 28, 28], greyImages(3)));
    await writeFile(path.join(dir, 'train-labels-idx1-ubyte'), idxFile(IDX_LABELS_MAGIC, [2], Uint8Array.from([1, 2])));
    await expect(readFashionMnist(dir, 'train')).rejects.toThrow(/train-labels-idx1-ubyte: expected 3 labels, one per image in .*train-images-idx3-ubyte, found 2 labels/);
  });

  it('rejects image size other than 28x28', async () => {
    await writeFile(path.join(dir, 'train-images-idx3-ubyte'), idxFile(IDX_IMAGES_MAGIC, [1, 32, 32], new Uint8Array(1024)));
    await writeFile(path.join(dir, 'train-labels-idx1-ubyte'), idxFile(IDX_LABELS_MAGIC, [1], Uint8Array.from([1])));
    await expect(readFashionMnist(dir, 'train')).rejects.toThrow('expected 28x28 images, found 32x32 images');
  });

  it('rejects label above 9', async () => {
    await writeFile(path.join(dir, 'train-images-idx3-ubyte'), idxFile(IDX_IMAGES_MAGIC, [2, 28, 28], greyImages(2)));
    await writeFile(path.join(dir, 'train-labels-idx1-ubyte'), idxFile(IDX_LABELS_MAGIC, [2], Uint8Array.from([1, 12])));
    await expect(readFashionMnist(dir, 'train')).rejects.toThrow('expected labels 0..9, found label 12 at index 1');
  });

  it('names missing file and how to install', async () => {
    await expect(readFashionMnist(dir, 'train')).rejects.toThrow(DatasetNotFoundError);
    await expect(readFashionMnist(dir, 'train')).rejects.toThrow(`Fashion-MNIST file train-images-idx3-ubyte(.gz) not found in ${dir}. Install it (Debian: apt-get install dataset-fashion-mnist`);
  });
});

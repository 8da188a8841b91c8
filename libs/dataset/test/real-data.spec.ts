import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { CIFAR10_CLASS_NAMES, DATASETS, DatasetNotFoundError, ensureCifar10, FASHION_MNIST_CLASS_NAMES, loadImageSet, readCifar10Archive, type ImageSet } from '../src';
import { makeTempDir, removeDir, tarGz } from './fixtures';

/*
 * Tests on the real data sets, both required: CIFAR-10 is read from CIFAR10_DIR (default:
 * the registry's default folder; .ci/run points it at the CI copy), and Fashion-MNIST comes
 * from Debian's dataset-fashion-mnist package, which the CI set-up installs.
 */
const cifarDir = process.env.CIFAR10_DIR ?? DATASETS.cifar10.defaultDir;
const fashionDir = process.env.FASHION_MNIST_DIR ?? DATASETS['fashion-mnist'].defaultDir;

function classCounts(set: ImageSet): number[] {
  const counts = new Array<number>(set.classNames.length).fill(0);
  for (const label of set.labels) counts[label]++;
  return counts;
}

/** Mean of each channel over all pixels, in 0..255. */
function channelMeans(set: ImageSet): number[] {
  const pixelCount = set.pixels.length / set.channels;
  const sums = new Array<number>(set.channels).fill(0);
  for (let c = 0; c < set.channels; c++) {
    let sum = 0;
    for (let i = c; i < set.pixels.length; i += set.channels) sum += set.pixels[i];
    sums[c] = sum;
  }
  return sums.map((sum) => sum / pixelCount);
}

describe(`real CIFAR-10 in ${cifarDir}`, () => {
  let train: ImageSet;
  let test: ImageSet;

  beforeAll(async () => {
    train = await loadImageSet({ name: 'cifar10', dir: cifarDir, split: 'train' });
    test = await loadImageSet({ name: 'cifar10', dir: cifarDir, split: 'test' });
  });

  it('has 50,000 train images, 5,000 per class', () => {
    expect(train.count).toBe(50_000);
    expect(train.pixels.length).toBe(50_000 * 32 * 32 * 3);
    expect(classCounts(train)).toEqual(new Array(10).fill(5_000));
  });

  it('has 10,000 test images, 1,000 per class', () => {
    expect(test.count).toBe(10_000);
    expect(classCounts(test)).toEqual(new Array(10).fill(1_000));
  });

  it('reads class names from batches.meta.txt', () => {
    expect(train.classNames).toEqual(CIFAR10_CLASS_NAMES);
    expect(test.classNames).toEqual(CIFAR10_CLASS_NAMES);
  });

  it('has the published channel means', () => {
    // Per-channel means of the official train split (0.4914, 0.4822, 0.4465 of 255, the
    // normalisation constants common in PyTorch CIFAR-10 code). A reversed channel order fails here.
    const [red, green, blue] = channelMeans(train);
    expect(Math.abs(red - 125.31)).toBeLessThan(1);
    expect(Math.abs(green - 122.96)).toBeLessThan(1);
    expect(Math.abs(blue - 113.86)).toBeLessThan(1);
  });

  it('reads the same test split from a tar.gz', async () => {
    const location = await ensureCifar10({ dir: cifarDir, download: false });
    expect(location.kind).toBe('folder');
    const tempDir = await makeTempDir();
    try {
      const entries = await Promise.all(
        ['test_batch.bin', 'batches.meta.txt'].map(async (name) => [`cifar-10-batches-bin/${name}`, await readFile(path.join(location.path, name))] as const),
      );
      const archive = path.join(tempDir, 'cifar-10-binary.tar.gz');
      await writeFile(archive, await tarGz(entries));
      const fromArchive = await readCifar10Archive(archive, 'test');
      expect(Buffer.from(fromArchive.pixels).equals(Buffer.from(test.pixels))).toBe(true);
      expect(Buffer.from(fromArchive.labels).equals(Buffer.from(test.labels))).toBe(true);
    } finally {
      await removeDir(tempDir);
    }
  });
});

describe(`real Fashion-MNIST in ${fashionDir}`, () => {
  let train: ImageSet;
  let test: ImageSet;

  beforeAll(async () => {
    train = await loadImageSet({ name: 'fashion-mnist', dir: fashionDir, split: 'train' });
    test = await loadImageSet({ name: 'fashion-mnist', dir: fashionDir, split: 'test' });
  });

  it('has 60,000 train and 10,000 test images', () => {
    expect(train.count).toBe(60_000);
    expect(test.count).toBe(10_000);
    expect(classCounts(train)).toEqual(new Array(10).fill(6_000));
    expect(classCounts(test)).toEqual(new Array(10).fill(1_000));
    expect(train.classNames).toEqual(FASHION_MNIST_CLASS_NAMES);
  });

  it('presents 32x32x3 grey with zero border', () => {
    expect([test.height, test.width, test.channels]).toEqual([32, 32, 3]);
    let borderSum = 0;
    let unequalChannels = 0;
    for (let i = 0; i < test.count; i++) {
      const image = test.pixels.subarray(i * 3072, (i + 1) * 3072);
      for (let row = 0; row < 32; row++) {
        for (let col = 0; col < 32; col++) {
          const offset = (row * 32 + col) * 3;
          if (image[offset] !== image[offset + 1] || image[offset] !== image[offset + 2]) unequalChannels++;
          if (row < 2 || row >= 30 || col < 2 || col >= 30) borderSum += image[offset];
        }
      }
    }
    expect(borderSum).toBe(0);
    expect(unequalChannels).toBe(0);
    // The 28x28 content area is not blank: its mean is about 73 of 255 on the real test split.
    const contentMean = channelMeans(test)[0] * (32 * 32) / (28 * 28);
    expect(Math.abs(contentMean - 73)).toBeLessThan(3);
  });
});

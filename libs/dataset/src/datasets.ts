import os from 'node:os';
import path from 'node:path';

import { CIFAR10_CHANNELS, CIFAR10_CLASS_NAMES, CIFAR10_IMAGE_SIZE, readCifar10Folder } from './cifar10';
import { readCifar10Archive } from './cifar10-archive';
import { ensureCifar10 } from './cifar10-location';
import { FASHION_MNIST_CHANNELS, FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_IMAGE_SIZE, readFashionMnist } from './fashion-mnist';
import type { ImageSet, Split } from './types';

export type DatasetName = 'cifar10' | 'fashion-mnist';

export interface DatasetInfo {
  readonly name: DatasetName;
  readonly displayName: string;
  readonly classNames: readonly string[];
  /** Shape of each image as loaded, [height, width, channels]. */
  readonly imageShape: readonly [number, number, number];
  readonly trainCount: number;
  readonly testCount: number;
  /** Folder used when the caller gives none. */
  readonly defaultDir: string;
  /** Whether loadImageSet can download the data when it is missing. */
  readonly downloadable: boolean;
  /** How to get the files, for help text and error messages. */
  readonly obtain: string;
}

export const DATASETS: Readonly<Record<DatasetName, DatasetInfo>> = {
  cifar10: {
    name: 'cifar10',
    displayName: 'CIFAR-10',
    classNames: CIFAR10_CLASS_NAMES,
    imageShape: [CIFAR10_IMAGE_SIZE, CIFAR10_IMAGE_SIZE, CIFAR10_CHANNELS],
    trainCount: 50_000,
    testCount: 10_000,
    defaultDir: path.join(os.homedir(), '.cache', 'dim', 'cifar10'),
    downloadable: true,
    obtain:
      'Put cifar-10-binary.tar.gz or its unpacked cifar-10-batches-bin folder in the data folder, ' +
      'or pass download: true to fetch https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (MD5-checked).',
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    displayName: 'Fashion-MNIST',
    classNames: FASHION_MNIST_CLASS_NAMES,
    imageShape: [FASHION_MNIST_IMAGE_SIZE, FASHION_MNIST_IMAGE_SIZE, FASHION_MNIST_CHANNELS],
    trainCount: 60_000,
    testCount: 10_000,
    // Where Debian's dataset-fashion-mnist package installs the gzipped IDX files.
    defaultDir: '/usr/share/datasets/fashion-mnist',
    downloadable: false,
    obtain:
      'Install Debian\'s dataset-fashion-mnist package, or put the four IDX files (gzipped or not) from ' +
      'https://github.com/zalandoresearch/fashion-mnist in the data folder.',
  },
};

export interface LoadImageSetOptions {
  readonly name: DatasetName;
  readonly split: Split;
  /** Data folder. Default: DATASETS[name].defaultDir. */
  readonly dir?: string;
  /** CIFAR-10 only: download the archive when no copy is found. Default false. */
  readonly download?: boolean;
  /** CIFAR-10 only: download progress in bytes. */
  readonly onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
}

/** Loads one split of a registered data set as uint8 HWC images. */
export async function loadImageSet(options: LoadImageSetOptions): Promise<ImageSet> {
  const info = DATASETS[options.name];
  if (!info) {
    throw new RangeError(`Unknown data set "${options.name}": expected one of ${Object.keys(DATASETS).join(', ')}.`);
  }
  const dir = options.dir ?? info.defaultDir;

  if (info.name === 'fashion-mnist') return readFashionMnist(dir, options.split);

  const location = await ensureCifar10({ dir, download: options.download ?? false, onProgress: options.onProgress });
  return location.kind === 'folder' ? readCifar10Folder(location.path, options.split) : readCifar10Archive(location.path, options.split);
}

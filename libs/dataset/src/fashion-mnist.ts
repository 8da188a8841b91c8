import { access } from 'node:fs/promises';
import path from 'node:path';

import { DatasetFormatError, DatasetNotFoundError } from './errors';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, readIdxFile } from './idx';
import type { ImageSet, Split } from './types';

/*
 * Fashion-MNIST (Xiao et al. 2017, https://github.com/zalandoresearch/fashion-mnist):
 * 28x28 greyscale images in IDX files, 60,000 train and 10,000 test, 10 classes.
 */
export const FASHION_MNIST_SOURCE_SIZE = 28;
export const FASHION_MNIST_NUM_CLASSES = 10;
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** File base names per split. Each may be stored gzipped (`.gz`) or not. */
export const FASHION_MNIST_FILES: Readonly<Record<Split, { readonly images: string; readonly labels: string }>> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/*
 * Shape adaptation for the encoder, which takes 32x32x3 images like CIFAR-10. The 28x28 image is zero-padded by 2 pixels on every side instead of
 * resampled, so every original pixel keeps its value (the background is already 0),
 * and the grey value is copied into all 3 channels.
 */
export const FASHION_MNIST_PADDING = 2;
export const FASHION_MNIST_IMAGE_SIZE = FASHION_MNIST_SOURCE_SIZE + 2 * FASHION_MNIST_PADDING; // 32
export const FASHION_MNIST_CHANNELS = 3;

/**
 * Converts `count` 28x28 grey images to 32x32x3 HWC: pad with zeros, replicate grey
 * into R, G and B. The one place where Fashion-MNIST's shape is adapted.
 */
export function padGreyToRgb32(grey: Uint8Array, count: number): Uint8Array {
  const source = FASHION_MNIST_SOURCE_SIZE;
  const size = FASHION_MNIST_IMAGE_SIZE;
  const channels = FASHION_MNIST_CHANNELS;
  const out = new Uint8Array(count * size * size * channels); // zero-filled, i.e. the padding
  for (let image = 0; image < count; image++) {
    const sourceImage = image * source * source;
    const outImage = image * size * size * channels;
    for (let row = 0; row < source; row++) {
      let outOffset = outImage + ((row + FASHION_MNIST_PADDING) * size + FASHION_MNIST_PADDING) * channels;
      const sourceRow = sourceImage + row * source;
      for (let col = 0; col < source; col++) {
        const value = grey[sourceRow + col];
        out[outOffset++] = value;
        out[outOffset++] = value;
        out[outOffset++] = value;
      }
    }
  }
  return out;
}

/**
 * Reads one Fashion-MNIST split from `dir`, accepting each file gzipped or not, and
 * returns it as 32x32x3 images (see {@link padGreyToRgb32}).
 */
export async function readFashionMnist(dir: string, split: Split): Promise<ImageSet> {
  const names = FASHION_MNIST_FILES[split];
  const imagesFile = await findIdxFile(dir, names.images);
  const labelsFile = await findIdxFile(dir, names.labels);

  const images = await readIdxFile(imagesFile, IDX_IMAGES_MAGIC);
  const [count, rows, cols] = images.dimensions;
  if (rows !== FASHION_MNIST_SOURCE_SIZE || cols !== FASHION_MNIST_SOURCE_SIZE) {
    throw new DatasetFormatError(
      imagesFile,
      `${FASHION_MNIST_SOURCE_SIZE}x${FASHION_MNIST_SOURCE_SIZE} images`,
      `${rows}x${cols} images`,
      'Use the Fashion-MNIST (or MNIST) IDX files.',
    );
  }

  const labels = await readIdxFile(labelsFile, IDX_LABELS_MAGIC);
  if (labels.dimensions[0] !== count) {
    throw new DatasetFormatError(labelsFile, `${count} labels, one per image in ${imagesFile}`, `${labels.dimensions[0]} labels`, 'Use the label file of the same split as the image file.');
  }
  const badIndex = labels.data.findIndex((label) => label >= FASHION_MNIST_NUM_CLASSES);
  if (badIndex >= 0) {
    throw new DatasetFormatError(labelsFile, `labels 0..${FASHION_MNIST_NUM_CLASSES - 1}`, `label ${labels.data[badIndex]} at index ${badIndex}`, 'The file is corrupt; download it again.');
  }

  return {
    name: 'fashion-mnist',
    split,
    height: FASHION_MNIST_IMAGE_SIZE,
    width: FASHION_MNIST_IMAGE_SIZE,
    channels: FASHION_MNIST_CHANNELS,
    pixels: padGreyToRgb32(images.data, count),
    labels: Uint8Array.from(labels.data),
    classNames: FASHION_MNIST_CLASS_NAMES,
    count,
  };
}

/** Returns `dir/name.gz` if it exists, else `dir/name`, else raises naming both. */
async function findIdxFile(dir: string, name: string): Promise<string> {
  for (const candidate of [path.join(dir, `${name}.gz`), path.join(dir, name)]) {
    try {
      await access(candidate);
      return candidate;
    } catch {
      // Try the next spelling.
    }
  }
  throw new DatasetNotFoundError(
    path.join(dir, name),
    `Fashion-MNIST file ${name}(.gz) not found in ${dir}. ` +
      'Install it (Debian: apt-get install dataset-fashion-mnist, which puts it in /usr/share/datasets/fashion-mnist) ' +
      'or point the data folder at a folder with the four IDX files.',
  );
}

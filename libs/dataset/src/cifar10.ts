import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import { DatasetFormatError, DatasetNotFoundError } from './errors';
import type { ImageSet, Split } from './types';

/*
 * CIFAR-10 binary format (https://www.cs.toronto.edu/~kriz/cifar.html, "Binary version").
 * Each file is a sequence of 3,073-byte records: 1 label byte (0..9), then the 1,024
 * red values, the 1,024 green values and the 1,024 blue values of a 32x32 image, each
 * plane in row-major order. Every official batch file contains 10,000 records.
 */
export const CIFAR10_IMAGE_SIZE = 32;
export const CIFAR10_CHANNELS = 3;
export const CIFAR10_LABEL_BYTES = 1;
export const CIFAR10_PLANE_BYTES = CIFAR10_IMAGE_SIZE * CIFAR10_IMAGE_SIZE; // 1,024
export const CIFAR10_IMAGE_BYTES = CIFAR10_PLANE_BYTES * CIFAR10_CHANNELS; // 3,072
export const CIFAR10_RECORD_BYTES = CIFAR10_LABEL_BYTES + CIFAR10_IMAGE_BYTES; // 3,073
export const CIFAR10_RECORDS_PER_FILE = 10_000;
export const CIFAR10_NUM_CLASSES = 10;

/** Folder name inside the official archive and the usual name of the unpacked folder. */
export const CIFAR10_FOLDER_NAME = 'cifar-10-batches-bin';
export const CIFAR10_META_FILE = 'batches.meta.txt';
export const CIFAR10_FILES: Readonly<Record<Split, readonly string[]>> = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
};

/** Class names in label order, as batches.meta.txt lists them. */
export const CIFAR10_CLASS_NAMES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

export interface Cifar10ReadOptions {
  /**
   * Number of records in each batch file. The official files contain 10,000. A smaller
   * value reads a cut-down copy in the same layout, such as a test fixture.
   */
  readonly recordsPerFile?: number;
}

/**
 * Checks that a batch file has exactly the expected size. A truncated download or a
 * file from another CIFAR variant (CIFAR-100 records have 2 label bytes) fails here
 * instead of decoding as shifted, plausible-looking images.
 */
export function checkCifar10FileSize(file: string, byteLength: number, recordsPerFile: number): void {
  const expectedBytes = recordsPerFile * CIFAR10_RECORD_BYTES;
  if (byteLength === expectedBytes) return;

  const wholeRecords = Math.floor(byteLength / CIFAR10_RECORD_BYTES);
  const remainder = byteLength % CIFAR10_RECORD_BYTES;
  throw new DatasetFormatError(
    file,
    `${expectedBytes.toLocaleString('en-US')} bytes (${recordsPerFile.toLocaleString('en-US')} records of ${CIFAR10_RECORD_BYTES} bytes)`,
    `${byteLength.toLocaleString('en-US')} bytes (${wholeRecords.toLocaleString('en-US')} whole records` +
      (remainder > 0 ? ` and ${remainder} trailing bytes)` : ')'),
    'The file is truncated or is not a CIFAR-10 binary batch; delete it and download cifar-10-binary.tar.gz again.',
  );
}

/**
 * Decodes CIFAR-10 records into HWC pixels and labels, writing image `i` of `records`
 * to image `firstImage + i` of the destination arrays. `records.byteLength` must be a
 * whole number of records (callers check the file size first).
 */
export function decodeCifar10Records(
  records: Uint8Array,
  file: string,
  pixels: Uint8Array,
  labels: Uint8Array,
  firstImage: number,
): void {
  const count = records.byteLength / CIFAR10_RECORD_BYTES;
  if (!Number.isInteger(count)) {
    throw new RangeError(`${file}: ${records.byteLength} bytes is not a whole number of ${CIFAR10_RECORD_BYTES}-byte records`);
  }

  for (let record = 0; record < count; record++) {
    const recordStart = record * CIFAR10_RECORD_BYTES;
    const label = records[recordStart];
    if (label >= CIFAR10_NUM_CLASSES) {
      throw new DatasetFormatError(
        file,
        `labels 0..${CIFAR10_NUM_CLASSES - 1}`,
        `label ${label} in record ${record} (byte offset ${recordStart})`,
        'The file is corrupt or is not a CIFAR-10 batch (CIFAR-100 uses a different layout); download it again.',
      );
    }
    labels[firstImage + record] = label;

    // Planar CHW (all red, all green, all blue) to interleaved HWC: pixel p of plane c
    // goes to channel c of pixel p.
    const red = recordStart + CIFAR10_LABEL_BYTES;
    const green = red + CIFAR10_PLANE_BYTES;
    const blue = green + CIFAR10_PLANE_BYTES;
    let out = (firstImage + record) * CIFAR10_IMAGE_BYTES;
    for (let p = 0; p < CIFAR10_PLANE_BYTES; p++) {
      pixels[out++] = records[red + p];
      pixels[out++] = records[green + p];
      pixels[out++] = records[blue + p];
    }
  }
}

/**
 * Parses batches.meta.txt: one class name per line in label order. Blank lines are
 * ignored because the official file ends with empty lines.
 */
export function parseCifar10ClassNames(text: string, file: string): string[] {
  const names = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (names.length !== CIFAR10_NUM_CLASSES) {
    throw new DatasetFormatError(
      file,
      `${CIFAR10_NUM_CLASSES} class names, one per line`,
      `${names.length} non-empty lines`,
      'Restore batches.meta.txt from cifar-10-binary.tar.gz.',
    );
  }
  return names;
}

/** Allocates an empty CIFAR-10 image set of `count` images to be filled by a reader. */
export function allocateCifar10Set(split: Split, count: number, classNames: readonly string[]): ImageSet {
  return {
    name: 'cifar10',
    split,
    height: CIFAR10_IMAGE_SIZE,
    width: CIFAR10_IMAGE_SIZE,
    channels: CIFAR10_CHANNELS,
    pixels: new Uint8Array(count * CIFAR10_IMAGE_BYTES),
    labels: new Uint8Array(count),
    classNames,
    count,
  };
}

/** Returns whether `dir` contains the CIFAR-10 batch files (checks for the first one). */
export async function isCifar10Folder(dir: string): Promise<boolean> {
  try {
    const info = await stat(path.join(dir, CIFAR10_FILES.train[0]));
    return info.isFile();
  } catch {
    return false;
  }
}

/**
 * Reads one split from an unpacked `cifar-10-batches-bin` folder. The train split is
 * data_batch_1..5 in order, the test split is test_batch. Class names come from
 * batches.meta.txt.
 */
export async function readCifar10Folder(dir: string, split: Split, options: Cifar10ReadOptions = {}): Promise<ImageSet> {
  const recordsPerFile = options.recordsPerFile ?? CIFAR10_RECORDS_PER_FILE;
  const dirInfo = await stat(dir).catch(() => undefined);
  if (!dirInfo?.isDirectory()) {
    throw new DatasetNotFoundError(
      dir,
      `CIFAR-10 folder ${dir} not found: expected a ${CIFAR10_FOLDER_NAME} folder with ${[...CIFAR10_FILES.train, ...CIFAR10_FILES.test, CIFAR10_META_FILE].join(', ')}. ` +
        'Point the data folder at it, or allow downloading cifar-10-binary.tar.gz.',
    );
  }

  const metaPath = path.join(dir, CIFAR10_META_FILE);
  const classNames = parseCifar10ClassNames(await readRequiredFile(metaPath, dir, 'utf8'), metaPath);

  const files = CIFAR10_FILES[split];
  const set = allocateCifar10Set(split, files.length * recordsPerFile, classNames);
  for (const [fileIndex, name] of files.entries()) {
    const file = path.join(dir, name);
    const bytes = await readRequiredFile(file, dir);
    checkCifar10FileSize(file, bytes.byteLength, recordsPerFile);
    decodeCifar10Records(bytes, file, set.pixels, set.labels, fileIndex * recordsPerFile);
  }
  return set;
}

async function readRequiredFile(file: string, dir: string): Promise<Buffer>;
async function readRequiredFile(file: string, dir: string, encoding: 'utf8'): Promise<string>;
async function readRequiredFile(file: string, dir: string, encoding?: 'utf8'): Promise<Buffer | string> {
  try {
    return encoding ? await readFile(file, encoding) : await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DatasetNotFoundError(
        file,
        `CIFAR-10 file ${file} not found: ${dir} is missing ${path.basename(file)}. ` +
          'Unpack the complete cifar-10-binary.tar.gz there, or point the data folder at the archive itself.',
      );
    }
    throw error;
  }
}

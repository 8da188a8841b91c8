import { truncate, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

import {
  CIFAR10_CLASS_NAMES,
  CIFAR10_IMAGE_BYTES,
  CIFAR10_RECORD_BYTES,
  DatasetFormatError,
  DatasetNotFoundError,
  decodeCifar10Records,
  imagePixels,
  readCifar10Folder,
} from '../src';
import { cifarFolderFiles, cifarRecords, constant, expectedHwc, makeTempDir, removeDir, syntheticImage, writeFolder, type PlanarImage } from './fixtures';

const RECORDS_PER_FILE = 4;

function decode(images: readonly PlanarImage[]): { pixels: Uint8Array; labels: Uint8Array } {
  const pixels = new Uint8Array(images.length * CIFAR10_IMAGE_BYTES);
  const labels = new Uint8Array(images.length);
  decodeCifar10Records(cifarRecords(images), 'generated.bin', pixels, labels, 0);
  return { pixels, labels };
}

/** Returns [r, g, b] at (row, col) of HWC image `index`. */
function rgbAt(pixels: Uint8Array, index: number, row: number, col: number): number[] {
  const offset = index * CIFAR10_IMAGE_BYTES + (row * 32 + col) * 3;
  return [pixels[offset], pixels[offset + 1], pixels[offset + 2]];
}

describe('decodeCifar10Records', () => {
  const red: PlanarImage = { label: 3, red: constant(255), green: constant(0), blue: constant(0) };
  const green: PlanarImage = { label: 7, red: constant(0), green: constant(255), blue: constant(0) };
  const blue: PlanarImage = { label: 9, red: constant(0), green: constant(0), blue: constant(255) };
  // Distinct values in each plane that encode the position, so a transpose or a channel
  // swap shows up at a known (row, col).
  const gradient: PlanarImage = { label: 0, red: (row) => row * 8, green: (_, col) => col * 8, blue: (row, col) => 255 - row - col };

  it('decodes red plane as pure red', () => {
    const { pixels } = decode([red]);
    for (const [row, col] of [[0, 0], [0, 31], [31, 0], [16, 5], [31, 31]]) {
      expect(rgbAt(pixels, 0, row, col)).toEqual([255, 0, 0]);
    }
  });

  it('decodes green and blue planes', () => {
    const { pixels } = decode([green, blue]);
    for (const [row, col] of [[0, 0], [7, 29], [31, 31]]) {
      expect(rgbAt(pixels, 0, row, col)).toEqual([0, 255, 0]);
      expect(rgbAt(pixels, 1, row, col)).toEqual([0, 0, 255]);
    }
  });

  it('keeps rows and columns in place', () => {
    const { pixels } = decode([gradient]);
    for (let row = 0; row < 32; row++) {
      for (let col = 0; col < 32; col++) {
        expect(rgbAt(pixels, 0, row, col)).toEqual([row * 8, col * 8, 255 - row - col]);
      }
    }
    // Row 1, column 0 is red 8 and green 0; a transpose would swap them.
    expect(rgbAt(pixels, 0, 1, 0)).toEqual([8, 0, 254]);
    expect(rgbAt(pixels, 0, 0, 1)).toEqual([0, 8, 254]);
  });

  it('reads the label of every record', () => {
    const { labels } = decode([red, green, blue, gradient]);
    expect(Array.from(labels)).toEqual([3, 7, 9, 0]);
  });

  it('writes at the given image offset', () => {
    const pixels = new Uint8Array(3 * CIFAR10_IMAGE_BYTES);
    const labels = new Uint8Array(3);
    decodeCifar10Records(cifarRecords([blue]), 'generated.bin', pixels, labels, 2);
    expect(labels[2]).toBe(9);
    expect(rgbAt(pixels, 2, 4, 4)).toEqual([0, 0, 255]);
    expect(rgbAt(pixels, 1, 4, 4)).toEqual([0, 0, 0]);
  });

  it('rejects a label above 9', () => {
    const records = cifarRecords([red, { ...green, label: 10 }]);
    const decodeBad = () => decodeCifar10Records(records, 'bad.bin', new Uint8Array(2 * CIFAR10_IMAGE_BYTES), new Uint8Array(2), 0);
    expect(decodeBad).toThrow(DatasetFormatError);
    expect(decodeBad).toThrow(/bad\.bin.*label 10 in record 1/);
  });
});

describe('readCifar10Folder', () => {
  let root: string;
  let dir: string;

  beforeEach(async () => {
    root = await makeTempDir();
    dir = path.join(root, 'cifar-10-batches-bin');
    await writeFolder(dir, cifarFolderFiles(RECORDS_PER_FILE));
  });

  afterEach(async () => {
    await removeDir(root);
  });

  it('reads train batches 1 to 5 in order', async () => {
    const set = await readCifar10Folder(dir, 'train', { recordsPerFile: RECORDS_PER_FILE });
    expect(set.count).toBe(5 * RECORDS_PER_FILE);
    expect([set.height, set.width, set.channels]).toEqual([32, 32, 3]);
    expect(set.classNames).toEqual(CIFAR10_CLASS_NAMES);
    for (let i = 0; i < set.count; i++) {
      expect(set.labels[i]).toBe(syntheticImage(i).label);
      expect(imagePixels(set, i)).toEqual(expectedHwc(syntheticImage(i)));
    }
  });

  it('reads test_batch as the test split', async () => {
    const set = await readCifar10Folder(dir, 'test', { recordsPerFile: RECORDS_PER_FILE });
    expect(set.split).toBe('test');
    expect(set.count).toBe(RECORDS_PER_FILE);
    const first = 5 * RECORDS_PER_FILE; // test_batch follows the 5 train files in the fixture
    expect(imagePixels(set, 0)).toEqual(expectedHwc(syntheticImage(first)));
  });

  it('rejects truncated batch file', async () => {
    const file = path.join(dir, 'data_batch_3.bin');
    await truncate(file, RECORDS_PER_FILE * CIFAR10_RECORD_BYTES - 100);
    const read = () => readCifar10Folder(dir, 'train', { recordsPerFile: RECORDS_PER_FILE });
    await expect(read()).rejects.toThrow(DatasetFormatError);
    await expect(read()).rejects.toThrow(
      `Invalid data file ${file}: expected 12,292 bytes (4 records of 3073 bytes), found 12,192 bytes (3 whole records and 2973 trailing bytes).`,
    );
  });

  it('rejects batch with a record too many', async () => {
    await writeFile(path.join(dir, 'test_batch.bin'), cifarRecords(Array.from({ length: RECORDS_PER_FILE + 1 }, (_, i) => syntheticImage(i))));
    await expect(readCifar10Folder(dir, 'test', { recordsPerFile: RECORDS_PER_FILE })).rejects.toThrow(/test_batch\.bin: expected 12,292 bytes .*found 15,365 bytes \(5 whole records\)/);
  });

  it('expects 10,000 records per file by default', async () => {
    await expect(readCifar10Folder(dir, 'test')).rejects.toThrow(/expected 30,730,000 bytes \(10,000 records of 3073 bytes\), found 12,292 bytes/);
  });

  it('rejects missing folder', async () => {
    const missing = path.join(root, 'nowhere');
    await expect(readCifar10Folder(missing, 'train')).rejects.toThrow(DatasetNotFoundError);
    await expect(readCifar10Folder(missing, 'train')).rejects.toThrow(`CIFAR-10 folder ${missing} not found`);
  });

  it('rejects missing batch file', async () => {
    await unlink(path.join(dir, 'data_batch_5.bin'));
    await expect(readCifar10Folder(dir, 'train', { recordsPerFile: RECORDS_PER_FILE })).rejects.toThrow(
      `CIFAR-10 file ${path.join(dir, 'data_batch_5.bin')} not found`,
    );
  });

  it('rejects meta file with 9 names', async () => {
    await writeFile(path.join(dir, 'batches.meta.txt'), CIFAR10_CLASS_NAMES.slice(0, 9).join('\n'));
    await expect(readCifar10Folder(dir, 'test', { recordsPerFile: RECORDS_PER_FILE })).rejects.toThrow(/batches\.meta\.txt: expected 10 class names, one per line, found 9 non-empty lines/);
  });
});

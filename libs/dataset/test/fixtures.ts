import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import * as tar from 'tar-stream';

import { CIFAR10_CLASS_NAMES, CIFAR10_FILES, CIFAR10_IMAGE_BYTES, CIFAR10_PLANE_BYTES, CIFAR10_RECORD_BYTES } from '../src/cifar10';

/** Helpers that write small but format-exact data files for the tests. */

export async function makeTempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'dim-dataset-test-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** One CIFAR-10 image given as three 32x32 planes. */
export interface PlanarImage {
  readonly label: number;
  readonly red: (row: number, col: number) => number;
  readonly green: (row: number, col: number) => number;
  readonly blue: (row: number, col: number) => number;
}

export const constant = (value: number) => () => value;

/** Encodes images in the official record layout: label, red plane, green plane, blue plane. */
export function cifarRecords(images: readonly PlanarImage[]): Buffer {
  const bytes = Buffer.alloc(images.length * CIFAR10_RECORD_BYTES);
  images.forEach((image, i) => {
    const start = i * CIFAR10_RECORD_BYTES;
    bytes[start] = image.label;
    const planes = [image.red, image.green, image.blue];
    planes.forEach((plane, c) => {
      for (let row = 0; row < 32; row++) {
        for (let col = 0; col < 32; col++) {
          bytes[start + 1 + c * CIFAR10_PLANE_BYTES + row * 32 + col] = plane(row, col);
        }
      }
    });
  });
  return bytes;
}

/**
 * Image `seed` of a synthetic batch: every pixel value depends on image, channel, row and
 * column, so any mix-up of them changes the decoded bytes.
 */
export function syntheticImage(seed: number): PlanarImage {
  return {
    label: seed % 10,
    red: (row, col) => (seed * 7 + row * 3 + col) & 0xff,
    green: (row, col) => (seed * 11 + row + col * 5 + 85) & 0xff,
    blue: (row, col) => (seed * 13 + row * 9 + col * 2 + 170) & 0xff,
  };
}

/** Expected HWC bytes of a planar image. */
export function expectedHwc(image: PlanarImage): Uint8Array {
  const out = new Uint8Array(CIFAR10_IMAGE_BYTES);
  for (let row = 0; row < 32; row++) {
    for (let col = 0; col < 32; col++) {
      const offset = (row * 32 + col) * 3;
      out[offset] = image.red(row, col);
      out[offset + 1] = image.green(row, col);
      out[offset + 2] = image.blue(row, col);
    }
  }
  return out;
}

export const META_TEXT = `${CIFAR10_CLASS_NAMES.join('\n')}\n\n`;

/** Contents of every file of a cut-down cifar-10-batches-bin with `recordsPerFile` records each. */
export function cifarFolderFiles(recordsPerFile: number): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const names = [...CIFAR10_FILES.train, ...CIFAR10_FILES.test];
  names.forEach((name, fileIndex) => {
    const images = Array.from({ length: recordsPerFile }, (_, i) => syntheticImage(fileIndex * recordsPerFile + i));
    files.set(name, cifarRecords(images));
  });
  files.set('batches.meta.txt', Buffer.from(META_TEXT));
  return files;
}

export async function writeFolder(dir: string, files: Map<string, Buffer>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, contents] of files) await writeFile(path.join(dir, name), contents);
}

/** Builds a gzipped tar with the given entries (names as stored in the archive). */
export async function tarGz(entries: ReadonlyArray<readonly [string, Buffer]>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  pack.entry({ name: 'cifar-10-batches-bin/', type: 'directory' });
  for (const [name, contents] of entries) {
    await new Promise<void>((resolve, reject) => pack.entry({ name }, contents, (error) => (error ? reject(error) : resolve())));
  }
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks), { level: 1 });
}

/** Builds an unsigned-byte IDX file. */
export function idxFile(magic: number, dimensions: readonly number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dimensions.length);
  header.writeUInt32BE(magic, 0);
  dimensions.forEach((size, d) => header.writeUInt32BE(size, 4 + 4 * d));
  return Buffer.concat([header, data]);
}

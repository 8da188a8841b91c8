import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

import * as tar from 'tar-stream';

import {
  allocateCifar10Set,
  checkCifar10FileSize,
  CIFAR10_FILES,
  CIFAR10_META_FILE,
  CIFAR10_RECORDS_PER_FILE,
  decodeCifar10Records,
  parseCifar10ClassNames,
  type Cifar10ReadOptions,
} from './cifar10';
import { DatasetFormatError, DatasetNotFoundError } from './errors';
import type { ImageSet, Split } from './types';

/** File name of the official archive, which unpacks to a cifar-10-batches-bin folder. */
export const CIFAR10_ARCHIVE_NAME = 'cifar-10-binary.tar.gz';

const REDOWNLOAD_FIX = `Delete it and download ${CIFAR10_ARCHIVE_NAME} again.`;

/**
 * Reads one split straight from the official `cifar-10-binary.tar.gz` by streaming it
 * through gunzip and a tar parser, so the archive never has to be unpacked on disk.
 * Entries are matched by base name (`cifar-10-batches-bin/data_batch_1.bin` and so on)
 * and may appear in any order. Each needed batch is buffered once (30 MB) and decoded.
 */
export async function readCifar10Archive(archive: string, split: Split, options: Cifar10ReadOptions = {}): Promise<ImageSet> {
  const recordsPerFile = options.recordsPerFile ?? CIFAR10_RECORDS_PER_FILE;
  const info = await stat(archive).catch(() => undefined);
  if (!info?.isFile()) {
    throw new DatasetNotFoundError(
      archive,
      `CIFAR-10 archive ${archive} not found. Point the data folder at a folder containing ${CIFAR10_ARCHIVE_NAME} ` +
        'or an unpacked cifar-10-batches-bin folder, or allow downloading.',
    );
  }

  const batchNames = CIFAR10_FILES[split];
  const set = allocateCifar10Set(split, batchNames.length * recordsPerFile, []);
  let classNames: string[] | undefined;
  const decoded = new Set<string>();

  const gunzip = createGunzip();
  let gunzipError: Error | undefined;
  gunzip.once('error', (error) => {
    gunzipError = error;
  });
  const extract = tar.extract();
  const feeding = pipeline(createReadStream(archive), gunzip, extract);
  // The iteration below reports the same failure, so only keep this rejection from
  // being unhandled.
  feeding.catch(() => undefined);

  try {
    for await (const entry of extract) {
      const entryName = path.posix.basename(entry.header.name);
      const entryLabel = `${archive}:${entry.header.name}`;
      const batchIndex = batchNames.indexOf(entryName);
      const needed = entry.header.type === 'file' && (batchIndex >= 0 || entryName === CIFAR10_META_FILE);
      if (!needed) {
        entry.resume();
        continue;
      }

      if (batchIndex >= 0) {
        // Check the size from the tar header before buffering, so a wrong-sized entry
        // fails without reading it.
        checkCifar10FileSize(entryLabel, entry.header.size ?? 0, recordsPerFile);
      }
      const bytes = await readEntry(entry, entry.header.size ?? 0);
      if (batchIndex >= 0) {
        checkCifar10FileSize(entryLabel, bytes.byteLength, recordsPerFile);
        decodeCifar10Records(bytes, entryLabel, set.pixels, set.labels, batchIndex * recordsPerFile);
        decoded.add(entryName);
      } else {
        classNames = parseCifar10ClassNames(bytes.toString('utf8'), entryLabel);
      }
    }
    await feeding;
  } catch (error) {
    if (error instanceof DatasetFormatError) throw error;
    if (gunzipError) {
      throw new DatasetFormatError(archive, 'a gzip-compressed tar archive', `a gzip error (${gunzipError.message})`, REDOWNLOAD_FIX);
    }
    throw new DatasetFormatError(archive, 'a valid tar archive inside the gzip stream', `a tar error (${(error as Error).message})`, REDOWNLOAD_FIX);
  }

  const missing = batchNames.filter((name) => !decoded.has(name));
  if (!classNames) missing.push(CIFAR10_META_FILE);
  if (!classNames || missing.length > 0) {
    throw new DatasetFormatError(
      archive,
      `entries ${[...batchNames, CIFAR10_META_FILE].join(', ')}`,
      `no entry for ${missing.join(', ')}`,
      `The archive is incomplete or is not ${CIFAR10_ARCHIVE_NAME}. ${REDOWNLOAD_FIX}`,
    );
  }
  return { ...set, classNames };
}

/** Buffers one tar entry of a known size. */
async function readEntry(entry: AsyncIterable<unknown>, size: number): Promise<Buffer> {
  const bytes = Buffer.allocUnsafe(size);
  let offset = 0;
  for await (const value of entry) {
    const chunk = value as Buffer;
    if (offset + chunk.byteLength > size) {
      throw new Error(`entry is longer than the ${size} bytes its header declares`);
    }
    chunk.copy(bytes, offset);
    offset += chunk.byteLength;
  }
  return bytes.subarray(0, offset);
}

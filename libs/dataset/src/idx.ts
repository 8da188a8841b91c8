import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

import { DatasetFormatError, DatasetNotFoundError } from './errors';

/*
 * IDX format (http://yann.lecun.com/exdb/mnist/, used unchanged by Fashion-MNIST).
 * Header: a big-endian uint32 magic number whose third byte is the element type
 * (0x08 = unsigned byte) and whose fourth byte is the number of dimensions, then one
 * big-endian uint32 size per dimension. The data follows, row-major.
 */
export const IDX_LABELS_MAGIC = 2049; // 0x00000801: uint8, 1 dimension
export const IDX_IMAGES_MAGIC = 2051; // 0x00000803: uint8, 3 dimensions
const IDX_MAGIC_BYTES = 4;
const IDX_DIMENSION_BYTES = 4;

/** gzip streams start with these two bytes (RFC 1952). */
const GZIP_ID1 = 0x1f;
const GZIP_ID2 = 0x8b;

export interface IdxArray {
  /** Sizes of each dimension, e.g. [60000, 28, 28] for an image file. */
  readonly dimensions: readonly number[];
  /** Elements in row-major order. A view into the file contents, not a copy. */
  readonly data: Uint8Array;
}

/**
 * Parses an unsigned-byte IDX file, gzip-compressed or not, and checks that its magic
 * number is `expectedMagic` and its size matches the header. `file` names the source in
 * error messages.
 */
export function parseIdx(contents: Uint8Array, file: string, expectedMagic: number): IdxArray {
  let bytes = contents;
  if (bytes.byteLength >= 2 && bytes[0] === GZIP_ID1 && bytes[1] === GZIP_ID2) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new DatasetFormatError(file, 'a complete gzip stream', `a gzip error (${(error as Error).message})`, 'The file is truncated or corrupt; download it again.');
    }
  }

  if (bytes.byteLength < IDX_MAGIC_BYTES) {
    throw new DatasetFormatError(file, `an IDX header (magic number ${expectedMagic})`, `only ${bytes.byteLength} bytes`, 'The file is truncated; download it again.');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== expectedMagic) {
    throw new DatasetFormatError(
      file,
      `IDX magic number ${expectedMagic}`,
      `${magic}`,
      expectedMagic === IDX_IMAGES_MAGIC || expectedMagic === IDX_LABELS_MAGIC
        ? 'Check that image and label files are not swapped and that the file is an IDX file.'
        : 'Check that the file is an IDX file.',
    );
  }

  const rank = magic & 0xff;
  const headerBytes = IDX_MAGIC_BYTES + rank * IDX_DIMENSION_BYTES;
  if (bytes.byteLength < headerBytes) {
    throw new DatasetFormatError(file, `a ${headerBytes}-byte header for ${rank} dimensions`, `${bytes.byteLength} bytes`, 'The file is truncated; download it again.');
  }
  const dimensions: number[] = [];
  for (let d = 0; d < rank; d++) dimensions.push(view.getUint32(IDX_MAGIC_BYTES + d * IDX_DIMENSION_BYTES));

  const elementCount = dimensions.reduce((product, size) => product * size, 1);
  const dataBytes = bytes.byteLength - headerBytes;
  if (dataBytes !== elementCount) {
    throw new DatasetFormatError(
      file,
      `${elementCount.toLocaleString('en-US')} data bytes for dimensions [${dimensions.join(', ')}]`,
      `${dataBytes.toLocaleString('en-US')} bytes`,
      'The file is truncated or corrupt; download it again.',
    );
  }
  return { dimensions, data: bytes.subarray(headerBytes) };
}

/** Reads and parses an IDX file; see {@link parseIdx}. */
export async function readIdxFile(file: string, expectedMagic: number): Promise<IdxArray> {
  let contents: Buffer;
  try {
    contents = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DatasetNotFoundError(file, `IDX file ${file} not found.`);
    }
    throw error;
  }
  return parseIdx(contents, file, expectedMagic);
}

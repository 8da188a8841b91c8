/**
 * Embeddings of a whole split, cached in the run folder as embeddings-<split>.bin (raw
 * float32 rows in the byte order of the machine that wrote them) next to
 * embeddings-<split>.json, which records what the values were computed from. A cache
 * entry is used only when data set, image count, checkpoint and byte order all match.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { endianness } from 'node:os';

import type { Split } from '@dim/dataset';

import { readJson, writeJsonAtomic, type RunFolder } from '../training/run-folder';

export interface EmbeddingCacheKey {
  readonly dataset: string;
  readonly split: Split;
  readonly count: number;
  readonly dimension: number;
  /** Checkpoint folder, relative to the run folder. */
  readonly checkpoint: string;
  /** Global step of that checkpoint, so a checkpoint rewritten later does not match. */
  readonly globalStep: number;
}

export interface EmbeddingCacheMeta extends EmbeddingCacheKey {
  readonly byteOrder: 'LE' | 'BE';
  readonly createdAt: string;
}

export function embeddingCacheFiles(run: RunFolder, split: Split): { bin: string; meta: string } {
  return { bin: run.path(`embeddings-${split}.bin`), meta: run.path(`embeddings-${split}.json`) };
}

const KEY_FIELDS = ['dataset', 'split', 'count', 'dimension', 'checkpoint', 'globalStep'] as const;

/**
 * Returns the cached embeddings for `key`, or the reason they cannot be used (no cache,
 * computed from something else, or a truncated file).
 */
export async function readCachedEmbeddings(
  run: RunFolder,
  key: EmbeddingCacheKey,
): Promise<{ values: Float32Array } | { reason: string }> {
  const files = embeddingCacheFiles(run, key.split);
  if (!(await stat(files.meta).catch(() => undefined))) return { reason: 'no cached embeddings' };

  const meta = await readJson<EmbeddingCacheMeta>(files.meta);
  const mismatch = KEY_FIELDS.find((field) => meta[field] !== key[field]);
  if (mismatch !== undefined) {
    return { reason: `cached embeddings have ${mismatch} ${String(meta[mismatch])}, expected ${String(key[mismatch])}` };
  }
  if (meta.byteOrder !== endianness()) return { reason: `cached embeddings are ${meta.byteOrder}, this machine is ${endianness()}` };

  const bytes = await readFile(files.bin).catch(() => undefined);
  const expectedBytes = key.count * key.dimension * Float32Array.BYTES_PER_ELEMENT;
  if (bytes === undefined || bytes.byteLength !== expectedBytes) {
    return { reason: `${files.bin} has ${bytes?.byteLength ?? 0} bytes, expected ${expectedBytes}` };
  }
  // Copy into a fresh buffer: a Buffer's byte offset need not be a multiple of 4.
  const values = new Float32Array(key.count * key.dimension);
  new Uint8Array(values.buffer).set(bytes);
  return { values };
}

/** Stores embeddings for `key`. The metadata is written last, so a crash leaves no entry that looks valid. */
export async function writeCachedEmbeddings(run: RunFolder, key: EmbeddingCacheKey, values: Float32Array): Promise<void> {
  if (values.length !== key.count * key.dimension) {
    throw new RangeError(`Embedding buffer has ${values.length} values, expected ${key.count} x ${key.dimension}.`);
  }
  const files = embeddingCacheFiles(run, key.split);
  await rm(files.meta, { force: true });

  const temporary = `${files.bin}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, files.bin);

  const meta: EmbeddingCacheMeta = { ...key, byteOrder: endianness(), createdAt: new Date().toISOString() };
  await writeJsonAtomic(files.meta, meta);
}

import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { RunFolder } from '../training/run-folder';
import { embeddingCacheFiles, readCachedEmbeddings, writeCachedEmbeddings, type EmbeddingCacheKey } from './embedding-cache';

const key: EmbeddingCacheKey = {
  dataset: 'cifar10',
  split: 'test',
  count: 3,
  dimension: 2,
  checkpoint: 'checkpoints/epoch-0002-step-000000',
  globalStep: 20,
};

describe('embedding cache', () => {
  let dir: string;
  let run: RunFolder;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'embedding-cache-'));
    run = new RunFolder(dir);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the values it stored', async () => {
    const values = new Float32Array([1, 2, 3, 4, 5.5, -6]);
    await writeCachedEmbeddings(run, key, values);

    const cached = await readCachedEmbeddings(run, key);

    expect(cached).toEqual({ values });
  });

  it('reports a missing cache', async () => {
    expect(await readCachedEmbeddings(run, key)).toEqual({ reason: 'no cached embeddings' });
  });

  it('rejects embeddings of another checkpoint', async () => {
    await writeCachedEmbeddings(run, key, new Float32Array(6));

    const cached = await readCachedEmbeddings(run, { ...key, checkpoint: 'checkpoints/epoch-0003-step-000000', globalStep: 30 });

    expect(cached).toEqual({
      reason: 'cached embeddings have checkpoint checkpoints/epoch-0002-step-000000, expected checkpoints/epoch-0003-step-000000',
    });
  });

  it('rejects a truncated data file', async () => {
    await writeCachedEmbeddings(run, key, new Float32Array(6));
    await truncate(embeddingCacheFiles(run, 'test').bin, 10);

    const cached = await readCachedEmbeddings(run, key);

    expect(cached).toEqual({ reason: `${embeddingCacheFiles(run, 'test').bin} has 10 bytes, expected 24` });
  });

  it('rejects a buffer of the wrong length', async () => {
    await expect(writeCachedEmbeddings(run, key, new Float32Array(5))).rejects.toThrow(
      'Embedding buffer has 5 values, expected 3 x 2.',
    );
  });
});

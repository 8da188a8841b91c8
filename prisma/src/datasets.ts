import type pg from 'pg';

import { withTransaction, type Database } from './client';
import { InvalidInputError } from './errors';
import { logger } from './logger';

/**
 * The fields of @dim/dataset's ImageSet that registration reads. Declared here so the
 * database package does not depend on the data readers.
 */
export interface ImageSetInput {
  readonly name: string;
  readonly split: 'train' | 'test';
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** count * height * width * channels bytes, image i at offset i * imageBytes. */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  readonly classNames: readonly string[];
  readonly count: number;
}

export interface RegisteredDataset {
  datasetId: number;
  split: 'train' | 'test';
  /** imageIds[i] is images.id of the split's image i. */
  imageIds: Int32Array;
  /** Images inserted by this call; 0 when the split was registered before. */
  inserted: number;
}

/** Rows per INSERT: 2,000 CIFAR-10 images are 6 MB of pixels, well under PGlite's heap. */
const INSERT_BATCH_ROWS = 2_000;

/**
 * Registers one split of a data set and its images with labels and pixels, in bulk and in one
 * transaction. Idempotent: a second call with the same data reuses the existing rows and
 * inserts nothing. A call whose shape, class names or labels differ from what is stored
 * raises InvalidInputError naming the difference, since silently mixing two versions of a
 * data set would corrupt every evaluation.
 */
export async function registerDataset(db: Database, imageSet: ImageSetInput, options: { sourcePath?: string } = {}): Promise<RegisteredDataset> {
  validateImageSet(imageSet);

  return withTransaction(db, async (client) => {
    const datasetId = await upsertDataset(client, imageSet, options.sourcePath ?? null);
    const inserted = await insertImages(client, datasetId, imageSet);
    const imageIds = await readImageIds(client, datasetId, imageSet);
    if (inserted > 0) {
      // Fresh statistics, so the next queries are not planned for the table as it was before
      // these rows (autovacuum analyses it only later, on its own schedule).
      await client.query('ANALYZE images');
      logger.info({ dataset: imageSet.name, split: imageSet.split, datasetId, inserted }, 'data set images registered');
    }
    return { datasetId, split: imageSet.split, imageIds, inserted };
  });
}

function validateImageSet(imageSet: ImageSetInput): void {
  const imageBytes = imageSet.height * imageSet.width * imageSet.channels;
  if (!imageSet.name) throw new InvalidInputError('Data set name is empty; give the image set a name.');
  if (imageSet.split !== 'train' && imageSet.split !== 'test') {
    throw new InvalidInputError(`split must be "train" or "test", got "${String(imageSet.split)}"`);
  }
  if (!Number.isInteger(imageBytes) || imageBytes <= 0) {
    throw new InvalidInputError(`Data set ${imageSet.name} has invalid shape ${imageSet.height}x${imageSet.width}x${imageSet.channels}.`);
  }
  if (imageSet.pixels.length !== imageSet.count * imageBytes) {
    throw new InvalidInputError(`Data set ${imageSet.name} ${imageSet.split}: ${imageSet.pixels.length} pixel bytes for ${imageSet.count} images of ${imageBytes} bytes.`);
  }
  if (imageSet.labels.length !== imageSet.count) {
    throw new InvalidInputError(`Data set ${imageSet.name} ${imageSet.split}: ${imageSet.labels.length} labels for ${imageSet.count} images.`);
  }
  const badLabel = imageSet.labels.findIndex((label) => label >= imageSet.classNames.length);
  if (badLabel >= 0) {
    throw new InvalidInputError(`Image ${badLabel} of ${imageSet.name} ${imageSet.split} has label ${imageSet.labels[badLabel]} but there are ${imageSet.classNames.length} class names.`);
  }
}

async function upsertDataset(client: pg.ClientBase, imageSet: ImageSetInput, sourcePath: string | null): Promise<number> {
  // ON CONFLICT DO UPDATE (a no-op update) returns the row whether it was inserted or not, and
  // is safe when two processes register the same data set at once.
  const { rows } = await client.query<{ id: number; class_names: string[]; height: number; width: number; channels: number }>(
    `INSERT INTO datasets (name, class_names, height, width, channels, source_path)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (name) DO UPDATE SET source_path = COALESCE(datasets.source_path, EXCLUDED.source_path)
     RETURNING id, class_names, height, width, channels`,
    [imageSet.name, [...imageSet.classNames], imageSet.height, imageSet.width, imageSet.channels, sourcePath],
  );
  const stored = rows[0];
  const storedShape = `${stored.height}x${stored.width}x${stored.channels}`;
  const givenShape = `${imageSet.height}x${imageSet.width}x${imageSet.channels}`;
  if (storedShape !== givenShape) {
    throw new InvalidInputError(`Data set ${imageSet.name} is stored with image shape ${storedShape}, not ${givenShape}; register it under another name.`);
  }
  if (stored.class_names.join('\u0000') !== imageSet.classNames.join('\u0000')) {
    throw new InvalidInputError(`Data set ${imageSet.name} is stored with class names [${stored.class_names.join(', ')}], not [${imageSet.classNames.join(', ')}].`);
  }
  return stored.id;
}

async function insertImages(client: pg.ClientBase, datasetId: number, imageSet: ImageSetInput): Promise<number> {
  const imageBytes = imageSet.height * imageSet.width * imageSet.channels;
  let inserted = 0;
  for (let start = 0; start < imageSet.count; start += INSERT_BATCH_ROWS) {
    const end = Math.min(start + INSERT_BATCH_ROWS, imageSet.count);
    const indices: number[] = [];
    const labels: number[] = [];
    const pixels: Buffer[] = [];
    for (let index = start; index < end; index++) {
      indices.push(index);
      labels.push(imageSet.labels[index]);
      const offset = index * imageBytes;
      pixels.push(Buffer.from(imageSet.pixels.buffer, imageSet.pixels.byteOffset + offset, imageBytes));
    }
    const result = await client.query(
      `INSERT INTO images (dataset_id, split, index_in_split, label, pixels)
       SELECT $1, $2::"Split", index_in_split, label, pixels
         FROM unnest($3::int[], $4::int[], $5::bytea[]) AS batch(index_in_split, label, pixels)
       ON CONFLICT (dataset_id, split, index_in_split) DO NOTHING`,
      [datasetId, imageSet.split, indices, labels, pixels],
    );
    inserted += result.rowCount ?? 0;
  }
  return inserted;
}

async function readImageIds(client: pg.ClientBase, datasetId: number, imageSet: ImageSetInput): Promise<Int32Array> {
  const { rows } = await client.query<{ id: number; index_in_split: number; label: number }>(
    `SELECT id, index_in_split, label FROM images WHERE dataset_id = $1 AND split = $2::"Split" ORDER BY index_in_split`,
    [datasetId, imageSet.split],
  );
  if (rows.length !== imageSet.count) {
    throw new InvalidInputError(`Data set ${imageSet.name} ${imageSet.split} is stored with ${rows.length} images, not ${imageSet.count}; register it under another name.`);
  }
  const imageIds = new Int32Array(imageSet.count);
  for (const row of rows) {
    if (row.label !== imageSet.labels[row.index_in_split]) {
      throw new InvalidInputError(
        `Image ${row.index_in_split} of ${imageSet.name} ${imageSet.split} is stored with label ${row.label}, not ${imageSet.labels[row.index_in_split]}; register it under another name.`,
      );
    }
    imageIds[row.index_in_split] = row.id;
  }
  return imageIds;
}

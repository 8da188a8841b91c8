import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { createApiServer, type ApiServer } from '@dim/api';
import { DATASETS, loadImageSet, takeSubset, type ImageSet } from '@dim/dataset';
import {
  createPool,
  migrateDatabase,
  registerDataset,
  startEmbeddedDatabase,
  writeRunEmbeddings,
  type EmbeddedDatabase,
} from '@dim/db';
import type pg from 'pg';

import { launchBrowser, type Browser } from './browser';
import { buildDashboard, startDashboard, type DashboardServer } from './dashboard';
import { requestGraphQL } from './graphql';
import { pixelBlockEmbeddings } from './pixel-embeddings';
import { findFreePort } from './ports';

/** Folder with the real CIFAR-10 binary files; CIFAR10_DIR overrides the registry default. */
export const CIFAR10_DIR = process.env.CIFAR10_DIR ?? DATASETS.cifar10.defaultDir;

/**
 * Images registered per split: the first ones in file order, so index_in_split matches the
 * position in the files, which the training worker relies on when it reads pixels.
 */
export const TRAIN_IMAGES = 300;
export const TEST_IMAGES = 100;

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

/** Everything the end-to-end tests talk to, started by startStack. */
export interface Stack {
  apiUrl: string;
  webUrl: string;
  databaseUrl: string;
  /** pg pool on the test database, for checks and for writing embeddings. */
  pool: pg.Pool;
  datasetId: number;
  /** images.id of the registered train images, then the test images. */
  imageIds: number[];
  /**
   * Queue a run through the API and complete it with pixelBlockEmbeddings of the
   * registered images, and return its id. The database starts with no runs.
   */
  createCompletedRun(): Promise<number>;
  browser: Browser;
  /** Scratch folder of this test run, deleted by stop(). */
  workDir: string;
  stop(): Promise<void>;
}

const START_TRAINING = `
  mutation StartTraining($input: StartTrainingInput!) {
    startTraining(input: $input) { id status }
  }
`;

/**
 * Start an embedded database with a real CIFAR-10 subset and no runs, the API,
 * a production build of the dashboard served by `next start`, and headless Chromium.
 * Everything binds 127.0.0.1 on free ports. stop() shuts it down in reverse order.
 */
export async function startStack(): Promise<Stack> {
  const cleanups: (() => Promise<void>)[] = [];
  // Stops in reverse start order; splice empties the list, so a second call does nothing.
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  };

  try {
    const workDir = await mkdtemp(path.join(os.tmpdir(), 'dim-web-e2e-'));
    cleanups.push(() => rm(workDir, { recursive: true, force: true }));

    const apiPort = await findFreePort();
    const webPort = await findFreePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const webUrl = `http://127.0.0.1:${webPort}`;

    // The build takes most of the setup time and needs only the API's URL, so the
    // database is prepared while it runs. allSettled waits for both, so a failed build
    // never leaves the database starting after the cleanup has run.
    const [built, prepared] = await Promise.allSettled([buildDashboard(apiUrl), prepareDatabase(workDir, cleanups)]);
    if (built.status === 'rejected') {
      throw built.reason;
    }
    if (prepared.status === 'rejected') {
      throw prepared.reason;
    }
    const database = prepared.value;

    const api: ApiServer = await createApiServer({
      databaseUrl: database.embedded.url,
      host: '127.0.0.1',
      port: apiPort,
      adminToken: ADMIN_TOKEN,
      corsOrigins: [webUrl],
    });
    cleanups.push(() => api.stop());

    const dashboard: DashboardServer = await startDashboard(apiUrl, webPort);
    cleanups.push(() => dashboard.stop());

    const browser = await launchBrowser();
    cleanups.push(() => browser.close());

    return {
      apiUrl,
      webUrl,
      databaseUrl: database.embedded.url,
      pool: database.pool,
      datasetId: database.datasetId,
      imageIds: database.imageIds,
      createCompletedRun: () => createCompletedRun(apiUrl, database.pool, database.imageIds, database.images),
      browser,
      workDir,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

interface PreparedDatabase {
  embedded: EmbeddedDatabase;
  pool: pg.Pool;
  datasetId: number;
  imageIds: number[];
  /** The registered images, train then test, in the order of imageIds. */
  images: ImageSet[];
}

async function prepareDatabase(workDir: string, cleanups: (() => Promise<void>)[]): Promise<PreparedDatabase> {
  const embedded = await startEmbeddedDatabase({ dataDir: path.join(workDir, 'pglite'), host: '127.0.0.1', port: 0 });
  cleanups.push(() => embedded.stop());
  await migrateDatabase(embedded.url);
  const pool = createPool(embedded.url, 4);
  cleanups.push(() => pool.end());

  const train = takeSubset(await loadImageSet({ name: 'cifar10', split: 'train', dir: CIFAR10_DIR }), { total: TRAIN_IMAGES });
  const test = takeSubset(await loadImageSet({ name: 'cifar10', split: 'test', dir: CIFAR10_DIR }), { total: TEST_IMAGES });
  const registeredTrain = await registerDataset(pool, train, { sourcePath: CIFAR10_DIR });
  const registeredTest = await registerDataset(pool, test, { sourcePath: CIFAR10_DIR });

  return {
    embedded,
    pool,
    datasetId: registeredTrain.datasetId,
    imageIds: [...registeredTrain.imageIds, ...registeredTest.imageIds],
    images: [train, test],
  };
}

/**
 * Queue a run through the API, as the dashboard does, then write pixel-derived embeddings
 * for it, which marks it completed. No model is trained, so the run has no epoch metrics
 * and no backend.
 */
async function createCompletedRun(apiUrl: string, pool: pg.Pool, imageIds: number[], images: ImageSet[]): Promise<number> {
  const embeddings = images.map(pixelBlockEmbeddings);
  const dim = embeddings[0].dim;
  const { startTraining } = await requestGraphQL<{ startTraining: { id: number } }>(
    apiUrl,
    START_TRAINING,
    { input: { datasetName: 'cifar10', epochs: 1, embeddingDim: dim, subsetSize: TRAIN_IMAGES, backend: 'cpu' } },
    ADMIN_TOKEN,
  );

  const vectors = new Float32Array(imageIds.length * dim);
  let offset = 0;
  for (const part of embeddings) {
    vectors.set(part.vectors, offset);
    offset += part.vectors.length;
  }
  // The test does the worker's part here. The worker moves a claimed run to "embedding"
  // before it writes the vectors, because writeRunEmbeddings accepts only runs that are
  // running or embedding.
  await pool.query(`UPDATE training_runs SET status = 'embedding', started_at = now() WHERE id = $1`, [startTraining.id]);
  await writeRunEmbeddings(pool, startTraining.id, Int32Array.from(imageIds), vectors, dim);
  return startTraining.id;
}

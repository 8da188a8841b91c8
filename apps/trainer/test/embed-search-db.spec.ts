import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { findNeighbours } from '@dim/db';
import { PNG } from 'pngjs';

import type { EmbedResult } from '../src/commands/embed';
import type { SearchResultImage } from '../src/database/search-run';
import { neighbourFigureLayout } from '../src/figure/neighbour-figure';
import { startTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from './worker/test-database';

// End-to-end: `train` writes a tiny checkpoint from 32 real CIFAR-10 images, then `embed` and
// `search --run` run as child processes against a database started here, on the WASM backend.
const REPO_ROOT = path.resolve(__dirname, '../../..');
const CLI = path.resolve(__dirname, '../src/cli.ts');
const CIFAR10_DIR = process.env.CIFAR10_DIR ?? path.resolve(REPO_ROOT, '../shared/data/cifar-10-batches-bin');
const BACKEND = process.env.TRAINER_TEST_BACKEND ?? 'wasm';
/** Images registered per split: above the 200 train images that retrieval quality needs. */
const LIMIT = 250;
/** The model's default embedding width, which `train` uses when --embedding-dim is not given. */
const DIM = 64;

const execFileAsync = promisify(execFile);

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', DATABASE_URL: '' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

function lastJsonLine<T>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

interface SearchOutput {
  readonly figure: string;
  readonly runId: number;
  readonly query: SearchResultImage;
  readonly nearest: SearchResultImage[];
  readonly farthest: SearchResultImage[];
}

let workDir: string;
let runDir: string;

beforeAll(async () => {
  if (!existsSync(path.join(CIFAR10_DIR, 'data_batch_1.bin'))) {
    throw new Error(`CIFAR-10 binary files not found in ${CIFAR10_DIR}. Set CIFAR10_DIR to the cifar-10-batches-bin folder.`);
  }
  workDir = await mkdtemp(path.join(tmpdir(), 'trainer-embed-'));
  runDir = path.join(workDir, 'run');
  const trained = await cli('train', '--data-dir', CIFAR10_DIR, '--subset', '32', '--batch-size', '16', '--epochs', '1',
    '--seed', '5', '--backend', BACKEND, '--out', runDir);
  if (trained.code !== 0) throw new Error(`train failed with exit code ${trained.code}:\n${trained.stderr}`);
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe.each(TEST_DATABASE_KINDS)('embed and search --run on %s', (kind) => {
  let database: TestDatabase;
  let embedded: EmbedResult;

  beforeAll(async () => {
    database = await startTestDatabase(kind);
  });

  afterAll(async () => {
    await database?.stop();
  });

  it('embeds registered images as a completed run', async () => {
    const result = await cli('embed', '--checkpoint', runDir, '--limit', String(LIMIT), '--backend', BACKEND,
      '--database-url', database.url, '--name', 'embed test');
    expect(result.stderr).not.toContain('"level":50');
    expect(result.code).toBe(0);

    embedded = lastJsonLine<EmbedResult>(result.stdout);
    expect(embedded.embeddings).toBe(2 * LIMIT);
    expect(embedded.dim).toBe(DIM);
    expect(embedded.seconds).toBeGreaterThan(0);
    expect(embedded.retrieval?.knn200Accuracy).toBeGreaterThanOrEqual(0);

    const run = await database.db.trainingRun.findUniqueOrThrow({ where: { id: embedded.runId } });
    expect(run.status).toBe('completed');
    expect(run.embeddingCount).toBe(2 * LIMIT);
    expect(run.embeddingDim).toBe(DIM);
    expect(run.backend).toBe(BACKEND);
    expect(run.checkpointDir).toBe(runDir);
    expect(run.startedAt).not.toBeNull();
    expect(run.startedAt!.getTime()).toBeGreaterThanOrEqual(run.createdAt.getTime());
    expect(run.finishedAt).not.toBeNull();
    expect(run.retrieval).toMatchObject({ knn200Accuracy: embedded.retrieval!.knn200Accuracy });
    expect(run.config).toMatchObject({ datasetName: 'cifar10', name: 'embed test', embeddingDim: DIM, subsetSize: 32, batchSize: 16 });

    const checkpoints = await database.db.checkpoint.findMany({ where: { runId: embedded.runId } });
    expect(checkpoints.map((checkpoint) => checkpoint.path)).toEqual([path.join(runDir, 'checkpoints', 'epoch-0001-step-000000')]);
    // The checkpoint keeps the time its folder was written, not the time of the import.
    expect(checkpoints[0].createdAt.getTime()).toBeLessThanOrEqual(run.createdAt.getTime());

    // The epoch losses of the run folder's metrics.json are imported with the checkpoint.
    const metrics = await database.db.epochMetric.findMany({ where: { runId: embedded.runId } });
    expect(metrics.map((metric) => metric.epoch)).toEqual([1]);
    expect(Number.isFinite(metrics[0].totalLoss)).toBe(true);
    expect(metrics[0].durationSeconds).toBeGreaterThan(0);
    expect(await database.db.embedding.count({ where: { runId: embedded.runId } })).toBe(2 * LIMIT);
  });

  it('search --run matches findNeighbours', async () => {
    const query = await database.db.image.findFirstOrThrow({ where: { split: 'test', indexInSplit: 7 } });
    const figure = path.join(workDir, `search-${kind}.png`);
    const result = await cli('search', '--run', String(embedded.runId), '--image-id', String(query.id), '--database-url', database.url,
      '--out', figure);
    expect(result.stderr).not.toContain('"level":50');
    expect(result.code).toBe(0);

    const output = lastJsonLine<SearchOutput>(result.stdout);
    expect(output.runId).toBe(embedded.runId);
    expect(output.query).toMatchObject({ imageId: query.id, split: 'test', index: 7, label: query.label });
    const nearest = await findNeighbours(database.db, { imageId: query.id, k: 10, runId: embedded.runId, order: 'nearest' });
    const farthest = await findNeighbours(database.db, { imageId: query.id, k: 10, runId: embedded.runId, order: 'farthest' });
    expect(output.nearest.map((entry) => entry.imageId)).toEqual(nearest.neighbours.map((entry) => entry.imageId));
    expect(output.farthest.map((entry) => entry.imageId)).toEqual(farthest.neighbours.map((entry) => entry.imageId));

    const png = PNG.sync.read(await readFile(figure));
    const layout = neighbourFigureLayout(32 * 4, 10);
    expect(png.width).toBe(layout.width);
    expect(png.height).toBe(layout.height);
  });

  it('search --run latest picks the newest run', async () => {
    const second = await cli('embed', '--checkpoint', runDir, '--limit', String(LIMIT), '--backend', BACKEND, '--database-url', database.url);
    expect(second.code).toBe(0);
    const secondRun = lastJsonLine<EmbedResult>(second.stdout);
    expect(secondRun.runId).toBeGreaterThan(embedded.runId);
    // Registration is idempotent: the second embed reuses the images of the first.
    expect(await database.db.image.count()).toBe(2 * LIMIT);

    const query = await database.db.image.findFirstOrThrow({ where: { split: 'train', indexInSplit: 3 } });
    const result = await cli('search', '--run', 'latest', '--image-id', String(query.id), '--k', '4', '--database-url', database.url,
      '--out', path.join(workDir, `latest-${kind}.png`));
    expect(result.code).toBe(0);
    const output = lastJsonLine<SearchOutput>(result.stdout);
    expect(output.runId).toBe(secondRun.runId);
    expect(output.nearest).toHaveLength(4);
    expect(output.farthest).toHaveLength(4);
  });

  it('rejects a limit that differs from the registered one', async () => {
    const result = await cli('embed', '--checkpoint', runDir, '--limit', '100', '--backend', BACKEND, '--database-url', database.url);

    expect(result.stderr).toContain('Cannot register 100 train images of cifar10 with --limit 100');
    expect(result.code).toBe(2);
  });
});

describe('embed on a fresh database', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await startTestDatabase('pglite');
  });

  afterAll(async () => {
    await database?.stop();
  });

  it('stores no retrieval quality', async () => {
    const result = await cli('embed', '--checkpoint', runDir, '--limit', '40', '--backend', BACKEND, '--database-url', database.url);
    expect(result.code).toBe(0);

    const output = lastJsonLine<EmbedResult>(result.stdout);
    expect(output.embeddings).toBe(80);
    expect(output.retrieval).toBeNull();
    expect(result.stderr).toContain('Retrieval quality not computed: it needs a test split and at least 200 train images');
    const run = await database.db.trainingRun.findUniqueOrThrow({ where: { id: output.runId } });
    expect(run.status).toBe('completed');
    expect(run.retrieval).toBeNull();
  });

  it('marks an interrupted run failed', async () => {
    // 2 x 1000 images are 8 batches, so the interrupt lands between two of them.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'embed', '--checkpoint', runDir, '--limit', '1000', '--backend', BACKEND, '--database-url', database.url],
      { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('embedding the registered images') && !child.killed) child.kill('SIGINT');
    });
    const code = await exited;

    expect(stderr).toContain('Interrupted: stopping after the current batch');
    expect(code).toBe(130);
    const run = await database.db.trainingRun.findFirstOrThrow({ orderBy: { id: 'desc' } });
    expect(run.status).toBe('failed');
    expect(run.error).toContain('Embedding interrupted by SIGINT');
    expect(run.finishedAt).not.toBeNull();
    expect(await database.db.embedding.count({ where: { runId: run.id } })).toBe(0);
  });
});

describe('embed and search errors', () => {
  it.each([
    [['search', '--checkpoint', 'runs/x', '--run', '1', '--image-id', '1'], '--checkpoint and --run cannot be combined'],
    [['search', '--run', '1'], "required option '--image-id <id>' not specified"],
    [['search', '--run', 'newest', '--image-id', '1'], "--run must be a run id (an integer of at least 1) or 'latest', got 'newest'"],
    [['embed', '--checkpoint', 'runs/missing'], 'Checkpoint or run folder not found'],
    [['embed', '--checkpoint', 'runs/x', '--dataset', 'mnist'], "--dataset must be one of cifar10, fashion-mnist, got 'mnist'"],
  ])('rejects %j', async (args, message) => {
    const result = await cli(...args);

    expect(result.stderr).toContain(message);
    expect(result.code).toBe(2);
  });

  it('rejects a missing data folder', async () => {
    const missing = path.join(workDir, 'no-data');
    const result = await cli('embed', '--checkpoint', runDir, '--data-dir', missing, '--backend', BACKEND);

    expect(result.stderr).toContain(missing);
    expect(result.stderr).toContain('--data-dir');
    expect(result.code).toBe(2);
  });

  it('fails on an unreachable database', async () => {
    const result = await cli('embed', '--checkpoint', runDir, '--limit', '10', '--backend', BACKEND,
      '--database-url', 'postgresql://dim:secret@127.0.0.1:1/dim');

    expect(result.stderr).toContain('Database unreachable at postgresql://dim:***@127.0.0.1:1/dim');
    expect(result.stderr).not.toContain('secret');
    expect(result.code).toBe(1);
  });
});

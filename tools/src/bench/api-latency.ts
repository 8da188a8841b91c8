/**
 * Measures the latency of the similar and dissimilar queries through the GraphQL API over
 * HTTP, next to the same findNeighbours call made directly on the database, at one or more
 * embedding counts. The API server runs in this process (createApiServer) on 127.0.0.1, so
 * the difference between the two is what GraphQL, HTTP and the image lookups add.
 *
 * Each size gets its own data set and completed run. Sizes up to 60,000 use real CIFAR-10
 * images (train then test split) when CIFAR10_DIR or the default folder has them, with
 * embeddings from a fixed random projection of the pixels. Larger sizes, or any size with
 * --source synthetic, use 1x1 synthetic images with one Gaussian cluster of embeddings per
 * class. Prints one JSON document on stdout; progress goes to stderr.
 *
 *   npx tsx --tsconfig apps/api/tsconfig.json tools/src/bench/api-latency.ts [--sizes 60000,1000000] \
 *     [--dim 64] [--k 10] [--queries 200] [--warmup 20] [--database-url postgresql://...] [--source auto]
 *
 * Without --database-url (or DATABASE_URL) a scratch embedded PGlite database is used and
 * removed afterwards; use PostgreSQL for a million embeddings. On a given database a size
 * whose run was already written by an earlier invocation is reused, not written again.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { createApiServer } from '@dim/api';
import { DATASETS, loadImageSet, mulberry32, type ImageSet } from '@dim/dataset';
import {
  createPrismaClient,
  findNeighbours,
  migrateDatabase,
  poolOf,
  registerDataset,
  startEmbeddedDatabase,
  writeRunEmbeddings,
  type ImageSetInput,
  type NeighbourOrder,
  type PrismaClient,
} from '@dim/db';
import { Command, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';

const logger = pino({ name: 'bench-api-latency' }, pino.destination(2));

/** Images CIFAR-10 has in total (50,000 train and 10,000 test). */
const CIFAR10_IMAGE_COUNT = 60_000;
const CLASS_COUNT = 10;

/** The selection a dashboard neighbour view requests, so the API does its usual lookups. */
const NEIGHBOUR_SELECTION = 'query { id url labelName } neighbours { distance image { id url label labelName } }';

type Source = 'auto' | 'cifar10' | 'synthetic';

interface BenchOptions {
  sizes: number[];
  dim: number;
  k: number;
  queries: number;
  warmup: number;
  databaseUrl?: string;
  source: Source;
  cifar10Dir: string;
}

interface LatencySummary {
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
}

interface SizeResult {
  size: number;
  source: 'cifar10' | 'synthetic';
  runId: number;
  /** Seconds spent registering images and writing the run's embeddings; 0 when reused. */
  loadSeconds: number;
  /** Timings of writing the run, by this invocation or by the earlier one that created it. */
  write?: RunWriteTimings;
  order: NeighbourOrder;
  sql: LatencySummary;
  api: LatencySummary;
  /** API p50 divided by SQL p50. */
  apiOverSqlP50: number;
  apiOverSqlP99: number;
  /** Measured queries whose API neighbour ids equal findNeighbours' ids, out of `queries`. */
  matchingResults: number;
}

/** Timings of writing one size's run, stored in its config so a reusing invocation reports them too. */
interface RunWriteTimings {
  /** Registering the images, writing the embeddings and building the index, in all. */
  totalSeconds: number;
  /** COPY (PostgreSQL) or INSERT (PGlite) of the embedding rows. */
  rowsSeconds: number;
  indexSeconds: number;
  writtenAt: string;
  /** One-minute load average when the write finished, since the index build is CPU-bound. */
  loadAverage1m?: number;
}

function parsePositiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return parsed;
}

function parseSizes(value: string): number[] {
  return value.split(',').map((part) => parsePositiveInteger(part.trim()));
}

function parseOptions(): BenchOptions {
  const program = new Command()
    .name('api-latency')
    .description('Measure similar/dissimilar latency over HTTP against the same SQL run directly.')
    .option('--sizes <list>', 'comma-separated embedding counts', parseSizes, [60_000, 1_000_000])
    .option('--dim <n>', 'embedding dimension', parsePositiveInteger, 64)
    .option('--k <n>', 'neighbours per query (1..1000)', parsePositiveInteger, 10)
    .option('--queries <n>', 'measured queries per size and order', parsePositiveInteger, 200)
    .option('--warmup <n>', 'untimed queries per size and order before measuring', parsePositiveInteger, 20)
    .option('--database-url <url>', 'PostgreSQL server to use (default: DATABASE_URL, else a scratch PGlite)')
    .addOption(new Option('--source <source>', 'where the images come from').choices(['auto', 'cifar10', 'synthetic']).default('auto'))
    .option('--cifar10-dir <dir>', 'CIFAR-10 folder', process.env.CIFAR10_DIR ?? DATASETS.cifar10.defaultDir)
    .parse();
  const options = program.opts<Omit<BenchOptions, 'databaseUrl'> & { databaseUrl?: string }>();
  return { ...options, databaseUrl: options.databaseUrl ?? process.env.DATABASE_URL };
}


/** Returns the data source of one size: CIFAR-10 when asked for, or on auto when it fits and is present. */
function sourceFor(size: number, options: BenchOptions): 'cifar10' | 'synthetic' {
  if (options.source === 'synthetic') return 'synthetic';
  const fits = size <= CIFAR10_IMAGE_COUNT;
  if (options.source === 'cifar10') {
    if (!fits) throw new Error(`--source cifar10 supports sizes up to ${CIFAR10_IMAGE_COUNT}, got ${size}; use --source auto or synthetic.`);
    return 'cifar10';
  }
  return fits && existsSync(options.cifar10Dir) ? 'cifar10' : 'synthetic';
}

/** Loads the first `size` CIFAR-10 images (train split first) as one image set. */
async function cifar10Images(size: number, dir: string): Promise<ImageSet> {
  const train = await loadImageSet({ name: 'cifar10', split: 'train', dir });
  const test = size > train.count ? await loadImageSet({ name: 'cifar10', split: 'test', dir }) : undefined;
  const imageBytes = train.height * train.width * train.channels;
  const trainCount = Math.min(size, train.count);
  const testCount = size - trainCount;

  const pixels = new Uint8Array(size * imageBytes);
  pixels.set(train.pixels.subarray(0, trainCount * imageBytes));
  const labels = new Uint8Array(size);
  labels.set(train.labels.subarray(0, trainCount));
  if (test && testCount > 0) {
    pixels.set(test.pixels.subarray(0, testCount * imageBytes), trainCount * imageBytes);
    labels.set(test.labels.subarray(0, testCount), trainCount);
  }
  return { ...train, name: `bench-cifar10-${size}`, split: 'train', pixels, labels, count: size };
}

/** Projects each image's pixels onto `dim` fixed pseudo-random directions, as a stand-in encoder. */
function projectPixels(images: ImageSetInput, dim: number): Float32Array {
  const inputSize = images.height * images.width * images.channels;
  const random = mulberry32(1);
  const projection = new Float32Array(dim * inputSize);
  for (let i = 0; i < projection.length; i++) projection[i] = (random() - 0.5) / Math.sqrt(inputSize);

  const vectors = new Float32Array(images.count * dim);
  for (let image = 0; image < images.count; image++) {
    const pixels = images.pixels.subarray(image * inputSize, (image + 1) * inputSize);
    for (let out = 0; out < dim; out++) {
      const row = projection.subarray(out * inputSize, (out + 1) * inputSize);
      let sum = 0;
      for (let i = 0; i < inputSize; i++) sum += row[i] * (pixels[i] / 255 - 0.5);
      vectors[image * dim + out] = sum;
    }
  }
  return vectors;
}

/** 1x1 grey images with uniformly drawn labels, so a million images take 1 MB of pixels. */
function syntheticImages(size: number): ImageSetInput {
  const random = mulberry32(3);
  const labels = new Uint8Array(size);
  for (let i = 0; i < size; i++) labels[i] = Math.floor(random() * CLASS_COUNT);
  return {
    name: `bench-synthetic-${size}`,
    split: 'train',
    height: 1,
    width: 1,
    channels: 1,
    pixels: labels.map((label) => label * 25),
    labels,
    classNames: Array.from({ length: CLASS_COUNT }, (_, label) => `class-${label}`),
    count: size,
  };
}

/** One Gaussian cluster per class, centres about sqrt(dim) apart, spread 0.6 per coordinate. */
function clusteredEmbeddings(labels: Uint8Array, dim: number): Float32Array {
  const random = mulberry32(7);
  const gaussian = () => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: CLASS_COUNT }, () => Array.from({ length: dim }, gaussian));
  const vectors = new Float32Array(labels.length * dim);
  for (let row = 0; row < labels.length; row++) {
    const centre = centres[labels[row]];
    for (let d = 0; d < dim; d++) vectors[row * dim + d] = centre[d] + 0.6 * gaussian();
  }
  return vectors;
}

/**
 * Returns the completed run of one size, writing the images and embeddings first unless an
 * earlier invocation already did. The run's config records the key that identifies it.
 */
async function prepareRun(
  db: PrismaClient,
  size: number,
  source: 'cifar10' | 'synthetic',
  options: BenchOptions,
): Promise<{ runId: number; imageIds: number[]; loadSeconds: number; write?: RunWriteTimings }> {
  const benchmarkKey = `api-latency:${source}:${size}:${options.dim}`;
  const existing = await db.trainingRun.findFirst({
    where: { status: 'completed', preset: 'benchmark', config: { path: ['benchmarkKey'], equals: benchmarkKey } },
    orderBy: { id: 'desc' },
  });
  if (existing) {
    const rows = await db.embedding.findMany({ where: { runId: existing.id }, select: { imageId: true } });
    logger.info({ size, source, runId: existing.id }, 'reusing the run of an earlier invocation');
    const write = (existing.config as { write?: RunWriteTimings } | null)?.write;
    return { runId: existing.id, imageIds: rows.map((row) => row.imageId), loadSeconds: 0, write };
  }

  const started = performance.now();
  logger.info({ size, source }, 'preparing images and embeddings');
  const images = source === 'cifar10' ? await cifar10Images(size, options.cifar10Dir) : syntheticImages(size);
  const vectors = source === 'cifar10' ? projectPixels(images, options.dim) : clusteredEmbeddings(images.labels, options.dim);

  const registered = await registerDataset(db, images);
  const run = await db.trainingRun.create({
    data: {
      datasetId: registered.datasetId,
      status: 'embedding',
      config: { benchmarkKey, datasetName: images.name, embeddingDim: options.dim, size, source },
      preset: 'benchmark',
      embeddingDim: options.dim,
      startedAt: new Date(),
    },
  });
  const written = await writeRunEmbeddings(db, run.id, registered.imageIds, vectors, options.dim);
  const loadSeconds = (performance.now() - started) / 1000;
  const write: RunWriteTimings = {
    totalSeconds: Number(loadSeconds.toFixed(1)),
    rowsSeconds: Number((written.loadMs / 1000).toFixed(1)),
    indexSeconds: Number((written.indexMs / 1000).toFixed(1)),
    writtenAt: new Date().toISOString(),
    loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
  };
  await db.trainingRun.update({ where: { id: run.id }, data: { config: { ...(run.config as object), write } as object } });
  logger.info({ size, source, runId: run.id, ...write }, 'run written');
  return { runId: run.id, imageIds: Array.from(registered.imageIds), loadSeconds, write };
}

function summarize(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest-rank percentile: the smallest sample with at least p of the samples at or below it.
  const percentile = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  const round = (ms: number) => Number(ms.toFixed(3));
  return {
    p50Ms: round(percentile(0.5)),
    p99Ms: round(percentile(0.99)),
    meanMs: round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length),
    minMs: round(sorted[0]),
    maxMs: round(sorted[sorted.length - 1]),
  };
}

/**
 * Keep-alive connection of the API client. The client is node:http because Node's fetch
 * (undici) took measurably longer per request in the client, which would count against the API.
 */
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** POSTs a JSON body and returns the status and the parsed JSON response. */
function postJson(url: string, body: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent: httpAgent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) });
          } catch {
            reject(new Error(`API responded with HTTP ${response.statusCode} and a body that is not JSON: ${text.slice(0, 200)}`));
          }
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Sends one neighbour query to the API and returns the neighbour ids in rank order. */
async function queryApi(graphqlUrl: string, order: NeighbourOrder, imageId: number, k: number, runId: number): Promise<number[]> {
  const field = order === 'nearest' ? 'similar' : 'dissimilar';
  const { status, json } = await postJson(
    graphqlUrl,
    JSON.stringify({
      query: `query Bench($id: Int!, $k: Int!, $runId: Int) { result: ${field}(id: $id, k: $k, runId: $runId) { ${NEIGHBOUR_SELECTION} } }`,
      variables: { id: imageId, k, runId },
    }),
  );
  const body = json as {
    data?: { result: { neighbours: { image: { id: number } }[] } };
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  if (body.errors || !body.data) {
    throw new Error(`API ${field} query for image ${imageId} failed with HTTP ${status}: ${JSON.stringify(body.errors)}`);
  }
  return body.data.result.neighbours.map((neighbour) => neighbour.image.id);
}

/**
 * Times `queries` neighbour queries both ways. The two calls for one image run back to back,
 * and which goes first alternates, so caching favours neither.
 */
async function measure(
  db: PrismaClient,
  graphqlUrl: string,
  order: NeighbourOrder,
  runId: number,
  queryIds: number[],
  options: BenchOptions,
): Promise<{ sql: number[]; api: number[]; matchingResults: number }> {
  const sqlCall = (imageId: number) => findNeighbours(db, { imageId, k: options.k, runId, order });
  const apiCall = (imageId: number) => queryApi(graphqlUrl, order, imageId, options.k, runId);

  for (const imageId of queryIds.slice(0, options.warmup)) {
    await sqlCall(imageId);
    await apiCall(imageId);
  }

  const sql: number[] = [];
  const api: number[] = [];
  let matchingResults = 0;
  for (const [index, imageId] of queryIds.slice(options.warmup).entries()) {
    const timeSql = async () => {
      const start = performance.now();
      const result = await sqlCall(imageId);
      sql.push(performance.now() - start);
      return result.neighbours.map((neighbour) => neighbour.imageId);
    };
    const timeApi = async () => {
      const start = performance.now();
      const ids = await apiCall(imageId);
      api.push(performance.now() - start);
      return ids;
    };
    let sqlIds: number[];
    let apiIds: number[];
    if (index % 2 === 0) {
      sqlIds = await timeSql();
      apiIds = await timeApi();
    } else {
      apiIds = await timeApi();
      sqlIds = await timeSql();
    }
    if (JSON.stringify(sqlIds) === JSON.stringify(apiIds)) matchingResults++;
  }
  return { sql, api, matchingResults };
}

async function databaseVersion(db: PrismaClient): Promise<string> {
  const [row] = await db.$queryRaw<{ version: string }[]>`SELECT version()`;
  return row.version;
}

/** Server settings that move these latencies, recorded next to them. */
const LATENCY_SETTINGS = ['shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'jit', 'effective_cache_size'];

async function databaseSettings(db: PrismaClient): Promise<Record<string, string>> {
  // current_setting gives the value with its unit, e.g. "128MB".
  const rows = await db.$queryRaw<{ name: string; setting: string }[]>`
    SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY(${LATENCY_SETTINGS})`;
  return Object.fromEntries(rows.map((row) => [row.name, row.setting]));
}

async function main(): Promise<void> {
  const options = parseOptions();
  if (options.k > 1000) throw new InvalidArgumentError(`--k must be at most 1000, got ${options.k}`);

  let scratchDir: string | undefined;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    scratchDir = mkdtempSync(path.join(os.tmpdir(), 'bench-api-latency-'));
    const embedded = await startEmbeddedDatabase({ dataDir: path.join(scratchDir, 'pglite'), port: 0 });
    databaseUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }

  await migrateDatabase(databaseUrl);
  const db = createPrismaClient(databaseUrl, { poolMax: 2 });
  const server = await createApiServer({
    databaseUrl,
    host: '127.0.0.1',
    port: 0,
    // Logs at the server's default level, so the timings include its line per request, but
    // into /dev/null rather than over the benchmark's progress output.
    logger: pino({ name: 'dim-api', level: 'info' }, pino.destination('/dev/null')),
  });

  try {
    const results: SizeResult[] = [];
    for (const size of options.sizes) {
      const source = sourceFor(size, options);
      const { runId, imageIds, loadSeconds, write } = await prepareRun(db, size, source, options);
      const random = mulberry32(size);
      const queryIds = Array.from({ length: options.warmup + options.queries }, () => imageIds[Math.floor(random() * imageIds.length)]);

      for (const order of ['nearest', 'farthest'] as const) {
        logger.info({ size, order, queries: options.queries }, 'measuring');
        const samples = await measure(db, server.graphqlUrl, order, runId, queryIds, options);
        const sql = summarize(samples.sql);
        const api = summarize(samples.api);
        results.push({
          size,
          source,
          runId,
          loadSeconds: Number(loadSeconds.toFixed(1)),
          write,
          order,
          sql,
          api,
          apiOverSqlP50: Number((api.p50Ms / sql.p50Ms).toFixed(3)),
          apiOverSqlP99: Number((api.p99Ms / sql.p99Ms).toFixed(3)),
          matchingResults: samples.matchingResults,
        });
      }
    }

    const report = {
      benchmark: 'api-latency',
      date: new Date().toISOString(),
      machine: {
        node: process.version,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        cores: os.cpus().length,
        memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
        loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
      },
      database: { embedded: scratchDir !== undefined, version: await databaseVersion(db), settings: await databaseSettings(db) },
      settings: {
        dim: options.dim,
        k: options.k,
        queries: options.queries,
        warmup: options.warmup,
        apiSelection: NEIGHBOUR_SELECTION,
        sqlCall: 'findNeighbours(db, { imageId, k, runId, order }) from @dim/db, in this process',
        apiClient: 'node:http POST with a keep-alive agent, in this process',
        apiLogLevel: 'info',
      },
      results,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await server.stop();
    await db.$disconnect();
    await poolOf(db).end();
    httpAgent.destroy();
    await stopEmbedded?.();
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  logger.error({ err: error }, 'benchmark failed');
  process.exitCode = 1;
});

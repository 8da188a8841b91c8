import { findNeighbours } from '@dim/db';
import { PNG } from 'pngjs';

import { createApiServer, type ApiServer } from '../src';
import { INPUT_LIMITS } from '../src/inputs/limits';
import { DATABASE_KINDS, disconnect, openEmptyDatabase, type EmptyDatabase } from './support/databases';
import { EMBEDDING_DIM, IMAGE_COUNT, seedCifar10, type SeededDatabase } from './support/cifar10-fixture';
import { graphql } from './support/graphql-client';
import { captureLogs } from './support/log-capture';

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
const DASHBOARD_ORIGIN = 'http://localhost:3000';

const NEIGHBOURS_QUERY = `
  query Neighbours($id: Int!, $k: Int!, $runId: Int) {
    similar(id: $id, k: $k, runId: $runId) { ...result }
    dissimilar(id: $id, k: $k, runId: $runId) { ...result }
  }
  fragment result on NeighbourResult {
    query { id label labelName url split indexInSplit }
    run { id status embeddingDim embeddingCount }
    neighbours { distance image { id label labelName url split indexInSplit dataset { id name } } }
  }`;

describe.each(DATABASE_KINDS)('API server on %s', (kind) => {
  let database: EmptyDatabase;
  let server: ApiServer;
  let seeded: SeededDatabase;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    database = await openEmptyDatabase(kind);
    logs = captureLogs();
    // The server migrates the empty database at start, so seeding comes after it.
    server = await createApiServer({
      databaseUrl: database.url,
      host: '127.0.0.1',
      port: 0,
      adminToken: ADMIN_TOKEN,
      corsOrigins: [DASHBOARD_ORIGIN],
      logger: logs.logger,
    });
    seeded = await seedCifar10(database.url);
  });

  afterAll(async () => {
    await server?.stop();
    if (seeded) await disconnect(seeded.db);
    await database?.close();
  });

  const imageId = (index: number) => seeded.imageIds[index];

  describe('start', () => {
    it('binds 127.0.0.1 on a free port', () => {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.graphqlUrl).toBe(`${server.url}/graphql`);
    });

    it('logs its URL', () => {
      const started = logs.lines.find((line) => line.msg === 'API server started');
      expect(started?.url).toBe(server.url);
    });
  });

  describe('health', () => {
    it('reports ok with migrations applied', async () => {
      const response = await fetch(`${server.url}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', database: 'ok', pendingMigrations: [] });
    });
  });

  describe('similar and dissimilar', () => {
    it.each([0, 17, 123, IMAGE_COUNT - 1])('match findNeighbours for image %i', async (index) => {
      const id = imageId(index);
      const response = await graphql(server.graphqlUrl, NEIGHBOURS_QUERY, { variables: { id, k: 25 } });
      expect(response.errors).toBeUndefined();

      const nearest = await findNeighbours(seeded.db, { imageId: id, k: 25, order: 'nearest' });
      const farthest = await findNeighbours(seeded.db, { imageId: id, k: 25, order: 'farthest' });
      for (const [result, expected] of [
        [response.data!.similar, nearest],
        [response.data!.dissimilar, farthest],
      ] as const) {
        expect(result.run.id).toBe(expected.run.id);
        expect(result.query.id).toBe(id);
        expect(result.neighbours.map((n: { image: { id: number } }) => n.image.id)).toEqual(
          expected.neighbours.map((n) => n.imageId),
        );
        result.neighbours.forEach((neighbour: { distance: number }, rank: number) => {
          expect(neighbour.distance).toBeCloseTo(expected.neighbours[rank].distance, 6);
        });
      }
    });

    it('default to the latest completed run', async () => {
      const response = await graphql(server.graphqlUrl, NEIGHBOURS_QUERY, { variables: { id: imageId(3), k: 5 } });
      expect(response.data!.similar.run.id).toBe(seeded.latestRunId);
      expect(response.data!.similar.run.status).toBe('COMPLETED');
      expect(response.data!.similar.run.embeddingCount).toBe(IMAGE_COUNT);
    });

    it('search the run named by runId', async () => {
      const variables = { id: imageId(3), k: 5, runId: seeded.completedRunId };
      const response = await graphql(server.graphqlUrl, NEIGHBOURS_QUERY, { variables });
      const expected = await findNeighbours(seeded.db, { imageId: imageId(3), k: 5, runId: seeded.completedRunId, order: 'nearest' });
      expect(response.data!.similar.run.id).toBe(seeded.completedRunId);
      expect(response.data!.similar.neighbours.map((n: { image: { id: number } }) => n.image.id)).toEqual(
        expected.neighbours.map((n) => n.imageId),
      );
    });

    it('return image fields from the images table', async () => {
      const response = await graphql(server.graphqlUrl, NEIGHBOURS_QUERY, { variables: { id: imageId(5), k: 3 } });
      const { query, neighbours } = response.data!.similar;
      expect(query).toEqual({
        id: imageId(5),
        label: seeded.images.labels[5],
        labelName: seeded.images.classNames[seeded.images.labels[5]],
        url: `/images/${imageId(5)}.png`,
        split: 'TEST',
        indexInSplit: 5,
      });
      for (const neighbour of neighbours) {
        const index = seeded.imageIds.indexOf(neighbour.image.id);
        expect(neighbour.image.indexInSplit).toBe(index);
        expect(neighbour.image.label).toBe(seeded.images.labels[index]);
        expect(neighbour.image.dataset).toEqual({ id: seeded.datasetId, name: 'cifar10' });
      }
    });

    it('sort nearest ascending and farthest descending', async () => {
      const response = await graphql(server.graphqlUrl, NEIGHBOURS_QUERY, { variables: { id: imageId(9), k: 50 } });
      const near = response.data!.similar.neighbours.map((n: { distance: number }) => n.distance);
      const far = response.data!.dissimilar.neighbours.map((n: { distance: number }) => n.distance);
      expect(near).toEqual([...near].sort((a, b) => a - b));
      expect(far).toEqual([...far].sort((a, b) => b - a));
      expect(far[0]).toBeGreaterThan(near[near.length - 1]);
    });

    it('return k of 1000 when the run has fewer images', async () => {
      const query = `{ similar(id: ${imageId(0)}, k: ${INPUT_LIMITS.maxK}) { neighbours { image { id } } } }`;
      const response = await graphql(server.graphqlUrl, query);
      expect(response.errors).toBeUndefined();
      expect(response.data!.similar.neighbours).toHaveLength(IMAGE_COUNT - 1);
    });
  });

  describe('input errors', () => {
    const similar = (args: string) => `{ similar(${args}) { neighbours { distance } } }`;

    it.each([
      ['k of 0', similar('id: 1, k: 0'), 'BAD_USER_INPUT', 'k 0'],
      ['k of 1001', similar('id: 1, k: 1001'), 'BAD_USER_INPUT', 'k 1001'],
      ['negative id', similar('id: -4, k: 5'), 'BAD_USER_INPUT', 'id -4'],
      ['negative runId', similar('id: 1, runId: -2'), 'BAD_USER_INPUT', 'runId -2'],
      ['non-integer id literal', similar('id: 1.5'), 'GRAPHQL_VALIDATION_FAILED', '1.5'],
      ['string id literal', similar('id: "7"'), 'GRAPHQL_VALIDATION_FAILED', '"7"'],
      ['unknown image', similar('id: 99999999'), 'NOT_FOUND', '99999999'],
      ['unknown run', similar('id: 1, runId: 99999'), 'NOT_FOUND', '99999'],
      ['page limit of 500', '{ images(page: { limit: 500 }) { totalCount } }', 'BAD_USER_INPUT', 'limit 500'],
      ['negative offset', '{ images(page: { offset: -1 }) { totalCount } }', 'BAD_USER_INPUT', 'offset -1'],
      ['label 300', '{ images(filter: { label: 300 }) { totalCount } }', 'BAD_USER_INPUT', 'label 300'],
      ['label of no class', '{ images(filter: { label: 200 }) { totalCount } }', 'BAD_USER_INPUT', 'Label 200'],
      ['unknown data set filter', '{ images(filter: { datasetId: 4242 }) { totalCount } }', 'NOT_FOUND', '4242'],
      ['negative image id', '{ image(id: -1) { id } }', 'BAD_USER_INPUT', 'id -1'],
      ['unknown data set', '{ randomImage(datasetId: 4242) { id } }', 'NOT_FOUND', '4242'],
      ['syntax error', '{ similar(id: 1 { id } }', 'GRAPHQL_PARSE_FAILED', 'Syntax Error'],
      ['unknown field', '{ similar(id: 1) { nope } }', 'GRAPHQL_VALIDATION_FAILED', 'nope'],
    ])('%s is rejected', async (_case, query, code, named) => {
      const response = await graphql(server.graphqlUrl, query);
      expect(response.status).not.toBe(500);
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0].extensions.code).toBe(code);
      expect(response.errors![0].message).toContain(named);
      expect(response.errors![0].extensions.stacktrace).toBeUndefined();
    });

    it('non-integer id variable is BAD_USER_INPUT', async () => {
      const response = await graphql(server.graphqlUrl, NEIGHBOURS_QUERY, { variables: { id: 2.5, k: 5 } });
      expect(response.status).toBe(400);
      expect(response.errors![0].extensions.code).toBe('BAD_USER_INPUT');
      expect(response.errors![0].message).toContain('2.5');
    });

    it('run still training is RUN_NOT_READY', async () => {
      const response = await graphql(server.graphqlUrl, similar(`id: ${imageId(0)}, runId: ${seeded.runningRunId}`));
      expect(response.errors![0].extensions.code).toBe('RUN_NOT_READY');
      expect(response.errors![0].message).toContain(String(seeded.runningRunId));
    });

    it('queued run is RUN_NOT_READY', async () => {
      const response = await graphql(server.graphqlUrl, similar(`id: ${imageId(0)}, runId: ${seeded.queuedRunId}`));
      expect(response.errors![0].extensions.code).toBe('RUN_NOT_READY');
    });

    it('other embedding size is DIMENSION_MISMATCH', async () => {
      const response = await graphql(server.graphqlUrl, similar(`id: ${imageId(0)}, runId: ${seeded.mismatchedRunId}`));
      expect(response.errors![0].extensions.code).toBe('DIMENSION_MISMATCH');
      expect(response.errors![0].message).toContain(String(EMBEDDING_DIM));
    });

    it('errors carry the request id of the response', async () => {
      const response = await graphql(server.graphqlUrl, similar('id: 1, k: 0'));
      const requestId = response.headers.get('x-request-id');
      expect(requestId).toBeTruthy();
      expect(response.errors![0].extensions.requestId).toBe(requestId);
      const logged = logs.lines.find((line) => line.requestId === requestId && line.msg === 'request rejected');
      expect(logged?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('internal errors', () => {
    it('are masked and logged with the request id', async () => {
      const run = await seeded.db.trainingRun.create({
        data: { datasetId: seeded.datasetId, status: 'failed', config: { epochs: 'many' }, preset: 'paper', embeddingDim: 8 },
      });
      try {
        const response = await graphql(server.graphqlUrl, `{ trainingRun(id: ${run.id}) { id config { epochs } } }`);
        const requestId = response.headers.get('x-request-id');

        expect(response.errors).toHaveLength(1);
        expect(response.errors![0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
        expect(response.errors![0].message).not.toContain('many');
        expect(response.errors![0].message).toContain('X-Request-Id');
        const logged = logs.lines.find((line) => line.requestId === requestId && line.level === 50);
        expect(JSON.stringify(logged?.err)).toContain(`Invalid run ${run.id} config: epochs must be a finite number`);
      } finally {
        await seeded.db.trainingRun.delete({ where: { id: run.id } });
      }
    });
  });

  describe('images', () => {
    it('returns one image by id', async () => {
      const response = await graphql(server.graphqlUrl, `{ image(id: ${imageId(7)}) { id indexInSplit label labelName dataset { name classNames } } }`);
      expect(response.data!.image).toEqual({
        id: imageId(7),
        indexInSplit: 7,
        label: seeded.images.labels[7],
        labelName: seeded.images.classNames[seeded.images.labels[7]],
        dataset: { name: 'cifar10', classNames: [...seeded.images.classNames] },
      });
    });

    it('returns null for an unknown id', async () => {
      const response = await graphql(server.graphqlUrl, '{ image(id: 99999999) { id } }');
      expect(response.errors).toBeUndefined();
      expect(response.data!.image).toBeNull();
    });

    it('pages in id order with a total count', async () => {
      const page = (offset: number, limit: number) =>
        graphql(server.graphqlUrl, `{ images(page: { offset: ${offset}, limit: ${limit} }) { items { id } totalCount offset limit } }`);
      const whole = (await page(0, 40)).data!.images;
      const first = (await page(0, 20)).data!.images;
      const second = (await page(20, 20)).data!.images;

      expect(whole.totalCount).toBe(IMAGE_COUNT);
      expect([...first.items, ...second.items]).toEqual(whole.items);
      expect(whole.items.map((item: { id: number }) => item.id)).toEqual(Array.from(seeded.imageIds.slice(0, 40)));
      expect(second).toMatchObject({ offset: 20, limit: 20, totalCount: IMAGE_COUNT });
    });

    it('filters by data set, split and label', async () => {
      const label = seeded.images.labels[0];
      const expectedIds = Array.from(seeded.imageIds).filter((_, index) => seeded.images.labels[index] === label);
      const query = `{ images(filter: { datasetId: ${seeded.datasetId}, split: TEST, label: ${label} }, page: { limit: 200 }) {
        items { id label split } totalCount } }`;
      const { images } = (await graphql(server.graphqlUrl, query)).data!;

      expect(images.totalCount).toBe(expectedIds.length);
      expect(images.items.map((item: { id: number }) => item.id)).toEqual(expectedIds);
      expect(images.items.every((item: { label: number; split: string }) => item.label === label && item.split === 'TEST')).toBe(true);
    });

    it('rejects a label past the classes of the filtered data set', async () => {
      const classCount = seeded.images.classNames.length;
      const query = `{ images(filter: { datasetId: ${seeded.datasetId}, label: ${classCount} }) { totalCount } }`;
      const response = await graphql(server.graphqlUrl, query);
      expect(response.errors![0].extensions.code).toBe('BAD_USER_INPUT');
      expect(response.errors![0].message).toContain(`Label ${classCount} is not a class of data set`);
      expect(response.errors![0].message).toContain(`0 to ${classCount - 1}`);
    });

    // Enum values in variables go through the cost limit's complexity estimate as well as
    // execution, so this catches a variable coerced twice.
    it('filters by split passed as a variable', async () => {
      const query = `query Images($filter: ImageFilter, $page: PageInput) { images(filter: $filter, page: $page) { totalCount items { split } } }`;
      const response = await graphql(server.graphqlUrl, query, {
        variables: { filter: { datasetId: seeded.datasetId, split: 'TEST' }, page: { offset: 0, limit: 5 } },
      });

      expect(response.errors).toBeUndefined();
      expect(response.data!.images.totalCount).toBe(IMAGE_COUNT);
      expect(response.data!.images.items.map((item: { split: string }) => item.split)).toEqual(Array(5).fill('TEST'));
    });

    it('finds no train images in a test-only data set', async () => {
      const { images } = (await graphql(server.graphqlUrl, '{ images(filter: { split: TRAIN }) { totalCount items { id } } }')).data!;
      expect(images).toEqual({ totalCount: 0, items: [] });
    });

    it('lists data sets with split counts', async () => {
      const { datasets } = (await graphql(server.graphqlUrl, '{ datasets { id name height width channels trainCount testCount } }')).data!;
      expect(datasets).toEqual([
        { id: seeded.datasetId, name: 'cifar10', height: 32, width: 32, channels: 3, trainCount: 0, testCount: IMAGE_COUNT },
      ]);
    });

    it('returns a random image of the data set', async () => {
      const { randomImage } = (await graphql(server.graphqlUrl, `{ randomImage(datasetId: ${seeded.datasetId}) { id dataset { id } } }`)).data!;
      expect(Array.from(seeded.imageIds)).toContain(randomImage.id);
      expect(randomImage.dataset.id).toBe(seeded.datasetId);
    });
  });

  describe('PNG route', () => {
    it('serves the stored pixels as PNG', async () => {
      const response = await fetch(`${server.url}/images/${imageId(11)}.png`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(response.headers.get('cache-control')).toContain('immutable');
      expect(response.headers.get('etag')).toMatch(/^"[\w-]+"$/);

      const png = PNG.sync.read(Buffer.from(await response.arrayBuffer()));
      expect([png.width, png.height]).toEqual([32, 32]);
      const rgb = Buffer.alloc(32 * 32 * 3);
      for (let pixel = 0; pixel < 32 * 32; pixel++) png.data.copy(rgb, pixel * 3, pixel * 4, pixel * 4 + 3);
      expect(rgb.equals(Buffer.from(seeded.images.pixels.subarray(11 * 3072, 12 * 3072)))).toBe(true);
    });

    it('answers 304 to a matching If-None-Match', async () => {
      const url = `${server.url}/images/${imageId(11)}.png`;
      const etag = (await fetch(url)).headers.get('etag')!;
      const revalidated = await fetch(url, { headers: { 'If-None-Match': etag } });
      expect(revalidated.status).toBe(304);
      expect(revalidated.headers.get('etag')).toBe(etag);
      expect((await revalidated.arrayBuffer()).byteLength).toBe(0);
    });

    it('answers 200 to another ETag', async () => {
      const response = await fetch(`${server.url}/images/${imageId(11)}.png`, { headers: { 'If-None-Match': '"other"' } });
      expect(response.status).toBe(200);
    });

    it.each([
      ['99999999', 404, 'NOT_FOUND'],
      ['abc', 400, 'BAD_USER_INPUT'],
      ['-3', 400, 'BAD_USER_INPUT'],
      ['0', 400, 'BAD_USER_INPUT'],
    ])('rejects image id %s', async (id, status, code) => {
      const response = await fetch(`${server.url}/images/${id}.png`);
      expect(response.status).toBe(status);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message).toContain(id);
      const requestId = response.headers.get('x-request-id');
      const logged = logs.lines.find((line) => line.requestId === requestId && line.msg === 'HTTP request rejected');
      expect(logged?.status).toBe(status);
    });

    it('rejects DELETE on an image URL with 405', async () => {
      const response = await fetch(`${server.url}/images/${imageId(5)}.png`, { method: 'DELETE' });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('METHOD_NOT_ALLOWED');
      expect(body.error.message).toContain('DELETE');
    });
  });

  describe('training runs', () => {
    it('lists runs newest first with their configuration', async () => {
      const query = '{ trainingRuns { id status embeddingDim config { datasetName preset epochs seed } dataset { name } metrics { epoch } checkpoints { epoch } } }';
      const { trainingRuns } = (await graphql(server.graphqlUrl, query)).data!;
      const ids = trainingRuns.map((run: { id: number }) => run.id);
      expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
      const completed = trainingRuns.find((run: { id: number }) => run.id === seeded.completedRunId);
      expect(completed).toMatchObject({
        status: 'COMPLETED',
        embeddingDim: EMBEDDING_DIM,
        config: { datasetName: 'cifar10', preset: 'paper', epochs: 2, seed: 1 },
        dataset: { name: 'cifar10' },
        metrics: [],
        checkpoints: [],
      });
    });

    it('returns metrics, checkpoints, progress and retrieval of one run', async () => {
      const runId = seeded.runningRunId;
      await seeded.db.epochMetric.createMany({
        data: [1, 0].map((epoch) => ({
          runId,
          epoch,
          totalLoss: 1 + epoch,
          localLoss: 0.5,
          globalLoss: 0.4,
          priorLoss: 0.1,
          discriminatorLoss: 0.7,
          imagesPerSecond: 900,
          durationSeconds: 55,
        })),
      });
      await seeded.db.checkpoint.create({ data: { runId, epoch: 1, step: 10, path: '/runs/x/epoch-1' } });
      const updatedAt = new Date('2026-01-02T03:04:05.000Z');
      await seeded.db.trainingRun.update({
        where: { id: runId },
        data: {
          progress: { epoch: 1, epochs: 2, step: 10, stepsPerEpoch: 20, fraction: 0.5, totalLoss: 1.5, etaSeconds: 60, updatedAt: updatedAt.toISOString() },
          retrieval: { knn20Accuracy: 0.4, knn200Accuracy: 0.35, precisionAt10: 0.3, computedAt: updatedAt.toISOString() },
        },
      });

      const query = `{ trainingRun(id: ${runId}) {
        status durationSeconds startedAt finishedAt
        metrics { epoch totalLoss discriminatorLoss }
        checkpoints { epoch step path }
        progress { epoch fraction totalLoss localLoss etaSeconds updatedAt }
        retrieval { knn20Accuracy precisionAt10 computedAt } } }`;
      const { trainingRun } = (await graphql(server.graphqlUrl, query)).data!;

      expect(trainingRun.status).toBe('RUNNING');
      expect(trainingRun.durationSeconds).toBeGreaterThan(0);
      expect(trainingRun.finishedAt).toBeNull();
      expect(trainingRun.metrics).toEqual([
        { epoch: 0, totalLoss: 1, discriminatorLoss: 0.7 },
        { epoch: 1, totalLoss: 2, discriminatorLoss: 0.7 },
      ]);
      expect(trainingRun.checkpoints).toEqual([{ epoch: 1, step: 10, path: '/runs/x/epoch-1' }]);
      expect(trainingRun.progress).toEqual({
        epoch: 1,
        fraction: 0.5,
        totalLoss: 1.5,
        localLoss: null,
        etaSeconds: 60,
        updatedAt: updatedAt.toISOString(),
      });
      expect(trainingRun.retrieval).toEqual({ knn20Accuracy: 0.4, precisionAt10: 0.3, computedAt: updatedAt.toISOString() });
    });

    it('returns null for an unknown run', async () => {
      const response = await graphql(server.graphqlUrl, '{ trainingRun(id: 987654) { id } }');
      expect(response.errors).toBeUndefined();
      expect(response.data!.trainingRun).toBeNull();
    });
  });

  describe('mutations', () => {
    const START = 'mutation Start($input: StartTrainingInput!) { startTraining(input: $input) { id status config { epochs batchSize preset embeddingDim learningRate subsetSize backend } } }';
    const CANCEL = 'mutation Cancel($id: Int!) { cancelTraining(id: $id) { id status } }';

    it('are rejected without a token', async () => {
      const response = await graphql(server.graphqlUrl, START, { variables: { input: {} } });
      expect(response.errors![0].extensions.code).toBe('UNAUTHENTICATED');
      expect(response.data).toBeNull();
    });

    it('are rejected with a wrong token', async () => {
      const response = await graphql(server.graphqlUrl, START, { variables: { input: {} }, token: `${ADMIN_TOKEN}x` });
      expect(response.errors![0].extensions.code).toBe('UNAUTHENTICATED');
      expect(response.errors![0].message).toBe('Invalid admin token.');
    });

    it('do not change the database when rejected', async () => {
      const before = await seeded.db.trainingRun.count();
      await graphql(server.graphqlUrl, START, { variables: { input: {} }, token: 'wrong-token-wrong-token' });
      expect(await seeded.db.trainingRun.count()).toBe(before);
    });

    it('startTraining queues a run with defaults', async () => {
      const response = await graphql(server.graphqlUrl, START, { variables: { input: { epochs: 3 } }, token: ADMIN_TOKEN });
      expect(response.errors).toBeUndefined();
      const run = response.data!.startTraining;
      expect(run).toMatchObject({
        status: 'QUEUED',
        config: { epochs: 3, batchSize: 64, preset: 'paper', embeddingDim: 64, learningRate: 0.0001, subsetSize: null, backend: null },
      });
      const row = await seeded.db.trainingRun.findUniqueOrThrow({ where: { id: run.id } });
      expect(row.status).toBe('queued');
      expect(row.config).toMatchObject({ datasetName: 'cifar10', epochs: 3, alpha: 0.5, beta: 1, gamma: 0.1, seed: 1 });
    });

    it.each([
      ['epochs of 0', { epochs: 0 }, 'BAD_USER_INPUT', 'epochs 0'],
      ['batch size of 1', { batchSize: 1 }, 'BAD_USER_INPUT', 'batchSize 1'],
      ['unknown preset', { preset: 'huge' }, 'BAD_USER_INPUT', 'preset "huge"'],
      ['unknown backend', { backend: 'webgpu' }, 'BAD_USER_INPUT', 'backend "webgpu"'],
      ['embedding too wide', { embeddingDim: 4096 }, 'BAD_USER_INPUT', 'embeddingDim 4096'],
      ['negative loss weight', { gamma: -1 }, 'BAD_USER_INPUT', 'gamma -1'],
      ['zero learning rate', { learningRate: 0 }, 'BAD_USER_INPUT', 'learningRate 0'],
      ['checkpoints after the last epoch', { epochs: 2, checkpointEvery: 5 }, 'BAD_USER_INPUT', 'checkpointEvery 5'],
      ['subset larger than the train split', { subsetSize: 10 }, 'BAD_USER_INPUT', 'subsetSize 10'],
      ['unknown data set', { datasetName: 'mnist' }, 'NOT_FOUND', '"mnist"'],
    ])('startTraining rejects %s', async (_case, input, code, named) => {
      const before = await seeded.db.trainingRun.count();
      const response = await graphql(server.graphqlUrl, START, { variables: { input }, token: ADMIN_TOKEN });
      expect(response.errors![0].extensions.code).toBe(code);
      expect(response.errors![0].message).toContain(named);
      expect(await seeded.db.trainingRun.count()).toBe(before);
    });

    it('cancelTraining cancels a queued run at once', async () => {
      const queued = (await graphql(server.graphqlUrl, START, { variables: { input: {} }, token: ADMIN_TOKEN })).data!.startTraining;
      const response = await graphql(server.graphqlUrl, CANCEL, { variables: { id: queued.id }, token: ADMIN_TOKEN });
      expect(response.data!.cancelTraining).toEqual({ id: queued.id, status: 'CANCELLED' });
      const row = await seeded.db.trainingRun.findUniqueOrThrow({ where: { id: queued.id } });
      expect(row.finishedAt).not.toBeNull();
    });

    it('cancelTraining flags a running run for the worker', async () => {
      const response = await graphql(server.graphqlUrl, CANCEL, { variables: { id: seeded.runningRunId }, token: ADMIN_TOKEN });
      expect(response.data!.cancelTraining).toEqual({ id: seeded.runningRunId, status: 'RUNNING' });
      const row = await seeded.db.trainingRun.findUniqueOrThrow({ where: { id: seeded.runningRunId } });
      expect(row.cancelRequested).toBe(true);
      expect(row.status).toBe('running');
    });

    it('cancelTraining rejects a completed run', async () => {
      const response = await graphql(server.graphqlUrl, CANCEL, { variables: { id: seeded.completedRunId }, token: ADMIN_TOKEN });
      expect(response.errors![0].extensions.code).toBe('CONFLICT');
      expect(response.errors![0].message).toContain(String(seeded.completedRunId));
    });

    it('cancelTraining rejects an unknown run', async () => {
      const response = await graphql(server.graphqlUrl, CANCEL, { variables: { id: 777777 }, token: ADMIN_TOKEN });
      expect(response.errors![0].extensions.code).toBe('NOT_FOUND');
      expect(response.errors![0].message).toContain('777777');
    });
  });

  describe('query limits', () => {
    it('reject a query above the cost limit', async () => {
      const field = (alias: string) => `${alias}: similar(id: ${imageId(0)}, k: 1000) { neighbours { distance image { id url label labelName } } }`;
      const aliases = Array.from({ length: 16 }, (_, index) => `q${index}`);
      const query = `{ ${aliases.map(field).join('\n')} }`;
      const response = await graphql(server.graphqlUrl, query);
      expect(response.status).toBe(400);
      expect(response.errors![0].extensions.code).toBe('QUERY_TOO_COMPLEX');
      expect(response.errors![0].message).toMatch(/Query cost \d+ exceeds the maximum of \d+/);
      expect(response.data).toBeUndefined();
    });

    it('count k given as a variable', async () => {
      const aliases = Array.from({ length: 16 }, (_, index) => `q${index}`);
      const query = `query Many($k: Int!) {
        ${aliases.map((alias) => `${alias}: dissimilar(id: ${imageId(0)}, k: $k) { neighbours { distance image { id url label labelName } } }`).join('\n')}
      }`;
      const small = await graphql(server.graphqlUrl, query, { variables: { k: 10 } });
      const large = await graphql(server.graphqlUrl, query, { variables: { k: 1000 } });
      expect(small.errors).toBeUndefined();
      expect(large.errors![0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    });

    it('count a page given as a variable', async () => {
      const item = 'id split indexInSplit label labelName url dataset { id name classNames }';
      const aliases = Array.from({ length: 60 }, (_, index) => `p${index}`);
      const query = `query Pages($page: PageInput) { ${aliases.map((alias) => `${alias}: images(page: $page) { items { ${item} } }`).join('\n')} }`;
      const small = await graphql(server.graphqlUrl, query, { variables: { page: { limit: 1 } } });
      const otherOffset = await graphql(server.graphqlUrl, query, { variables: { page: { limit: 1, offset: 1 } } });
      const large = await graphql(server.graphqlUrl, query, { variables: { page: { limit: 200 } } });
      expect(small.errors).toBeUndefined();
      expect(otherOffset.errors).toBeUndefined();
      expect(large.errors![0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    });

    it('count fields that @include turns on', async () => {
      const aliases = Array.from({ length: 16 }, (_, index) => `q${index}`);
      const query = `query Maybe($all: Boolean!) {
        ${aliases.map((alias) => `${alias}: similar(id: ${imageId(0)}, k: 1000) @include(if: $all) { neighbours { distance image { id url label labelName } } }`).join('\n')}
        image(id: ${imageId(0)}) { id }
      }`;
      const without = await graphql(server.graphqlUrl, query, { variables: { all: false } });
      const withAll = await graphql(server.graphqlUrl, query, { variables: { all: true } });
      expect(without.errors).toBeUndefined();
      expect(withAll.errors![0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    });

    it('admit the dashboard neighbours view', async () => {
      const image = 'id split indexInSplit label labelName url dataset { id name }';
      const result = `query { ${image} } run { id status embeddingDim } neighbours { distance image { ${image} } }`;
      const query = `query Neighbours($id: Int!, $k: Int!) {
        nearest: similar(id: $id, k: $k) { ${result} }
        farthest: dissimilar(id: $id, k: $k) { ${result} } }`;
      const response = await graphql(server.graphqlUrl, query, { variables: { id: imageId(0), k: INPUT_LIMITS.maxK } });
      expect(response.errors).toBeUndefined();
      expect(response.data!.nearest.neighbours).toHaveLength(IMAGE_COUNT - 1);
    });
  });

  describe('HTTP', () => {
    it('answers a CORS preflight from the dashboard origin', async () => {
      const response = await fetch(server.graphqlUrl, {
        method: 'OPTIONS',
        headers: { Origin: DASHBOARD_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(DASHBOARD_ORIGIN);
      expect(response.headers.get('access-control-allow-headers')).toContain('Authorization');
    });

    it('sends no CORS headers to another origin', async () => {
      const response = await graphql(server.graphqlUrl, '{ datasets { id } }', { headers: { Origin: 'http://evil.example' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('rejects an oversized body with 413', async () => {
      const response = await graphql(server.graphqlUrl, `{ datasets { id } } # ${'x'.repeat(200_000)}`);
      expect(response.status).toBe(413);
      expect(response.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it('answers 404 on an unknown path', async () => {
      const response = await fetch(`${server.url}/nope`);
      expect(response.status).toBe(404);
    });

    it('logs each request with operation name and duration', async () => {
      const response = await graphql(server.graphqlUrl, 'query DatasetNames { datasets { name } }');
      const requestId = response.headers.get('x-request-id');
      const line = logs.lines.find((entry) => entry.requestId === requestId && entry.msg === 'graphql request');
      expect(line?.operationName).toBe('DatasetNames');
      expect(typeof line?.durationMs).toBe('number');
    });
  });
});

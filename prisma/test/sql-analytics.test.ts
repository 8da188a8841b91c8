import { readFileSync } from 'node:fs';
import path from 'node:path';

import { registerDataset } from '../src/datasets';
import { writeRunEmbeddings } from '../src/embeddings/write';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from './support/databases';
import { createRun } from './support/fixtures';
import { clusteredEmbeddings, syntheticImageSet } from './support/synthetic';

const DOC_PATH = path.resolve(__dirname, '../../docs/sql-analytics.md');
const DIM = 64;

/** Extracts every ```sql block of the page, titled by the heading it sits under. */
function sqlBlocks(): { title: string; sql: string }[] {
  const markdown = readFileSync(DOC_PATH, 'utf8');
  const blocks: { title: string; sql: string }[] = [];
  let heading = '';
  const pattern = /^(#{2,4}) (.+)$|^```sql\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(pattern)) {
    if (match[2]) heading = match[2];
    else blocks.push({ title: `${heading} #${blocks.filter((b) => b.title.startsWith(heading)).length + 1}`, sql: match[3] });
  }
  return blocks;
}

const blocks = sqlBlocks();

test('documentation has sql blocks', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(10);
});

describe.each(DATABASE_KINDS)('docs/sql-analytics.md on %s', (kind) => {
  let database: TestDatabase;
  let runId: number;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    // Real-shaped data: a train and a test split, one completed run with clustered embeddings
    // and a loss curve. The page's index example names run 1 with 64 dimensions.
    const train = await registerDataset(database.pool, syntheticImageSet(2000, { name: 'cifar10', split: 'train' }));
    const test = await registerDataset(database.pool, syntheticImageSet(500, { name: 'cifar10', split: 'test', seed: 2 }));
    runId = await createRun(database, train.datasetId, DIM);
    const labels = Uint8Array.from({ length: 2500 }, (_, i) => (i < 2000 ? i : i - 2000) % 10);
    const imageIds = Int32Array.from([...train.imageIds, ...test.imageIds]);
    await database.prisma.epochMetric.createMany({
      data: [1, 2, 3].map((epoch) => ({
        runId,
        epoch,
        totalLoss: 3 / epoch,
        localLoss: 1 / epoch,
        globalLoss: 1 / epoch,
        priorLoss: 0.5,
        discriminatorLoss: 0.7,
        imagesPerSecond: 900,
        durationSeconds: 55,
      })),
    });
    await writeRunEmbeddings(database.pool, runId, imageIds, clusteredEmbeddings(labels, DIM), DIM);
  });

  afterAll(async () => {
    await database?.close();
  });

  test('index example names the first run', () => {
    expect(runId).toBe(1);
  });

  test.each(blocks.map((block) => [block.title, block.sql]))('runs %s', async (_title, sql) => {
    const results = await database.pool.query(sql);
    const last = Array.isArray(results) ? results[results.length - 1] : results;
    expect(last.rows.length).toBeGreaterThan(0);
  });

  test('index example uses the run index', async () => {
    const example = blocks.find((block) => block.sql.includes('embedding::vector(64)'));
    expect(example).toBeDefined();
    const select = example!.sql.slice(example!.sql.indexOf('SELECT'));
    const client = await database.pool.connect();
    try {
      await client.query('BEGIN');
      // The test run is small, so the planner would rightly pick an exact scan; rule that out.
      await client.query('SET LOCAL enable_seqscan = off');
      await client.query('SET LOCAL enable_bitmapscan = off');
      await client.query('SET LOCAL enable_sort = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${select}`);
      await client.query('ROLLBACK');
      expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('embeddings_run_1_hnsw');
    } finally {
      client.release();
    }
  });
});

/**
 * End-to-end tests of the dashboard: a production build served by `next start`, driven in
 * headless Chromium, against the real API on an embedded database that contains a real
 * CIFAR-10 subset. The tests share one stack and run in file order: the empty-database
 * tests come before the completed run is created, and the form test queues the run that
 * the worker test trains.
 *
 * Set WEB_SCREENSHOT_DIR to save desktop and phone screenshots of every page.
 */
import path from 'node:path';

import { startWorker } from '@dim/trainer/src/worker';

import { requestGraphQL } from './support/graphql';
import { LAPTOP, openPage, readNeighbourRow, saveScreenshots, type WatchedPage } from './support/pages';
import { ADMIN_TOKEN, CIFAR10_DIR, startStack, TEST_IMAGES, TRAIN_IMAGES, type Stack } from './support/stack';

const SETUP_TIMEOUT_MS = 10 * 60_000;
const UI_TIMEOUT_MS = 30_000;
/** Training 3 epochs of 64 images and embedding 400 takes well under a minute on 2 CPU cores. */
const TRAINING_TIMEOUT_MS = 8 * 60_000;

/** Configuration the form test enters; small, so the worker test can train it to the end. */
const TINY_RUN = { epochs: 3, batchSize: 32, subsetSize: 64, embeddingDim: 16, learningRate: 0.001 };

let stack: Stack;
/** The run with pixel-derived embeddings, created after the empty-database tests. */
let completedRunId: number;
/** The run the start-form test queues and the worker test trains. */
let queuedRunId: number | undefined;
const openPages: WatchedPage[] = [];

beforeAll(async () => {
  stack = await startStack();
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await stack?.stop();
}, 120_000);

afterEach(async () => {
  // Every page must have worked without uncaught exceptions or console errors.
  const pages = openPages.splice(0);
  const errors = pages.flatMap((watched) => watched.errors);
  await Promise.all(pages.map((watched) => watched.page.close()));
  expect(errors).toEqual([]);
});

async function open(viewport?: { width: number; height: number }): Promise<WatchedPage> {
  const watched = await openPage(stack.browser.context, viewport);
  openPages.push(watched);
  return watched;
}

interface ApiNeighbours {
  neighbours: { distance: number; image: { id: number; labelName: string } }[];
}

const NEIGHBOURS = `
  query ($id: Int!, $k: Int!, $runId: Int) {
    similar(id: $id, k: $k, runId: $runId) { neighbours { distance image { id labelName } } }
    dissimilar(id: $id, k: $k, runId: $runId) { neighbours { distance image { id labelName } } }
  }
`;

function expectedTiles(result: ApiNeighbours) {
  return result.neighbours.map((neighbour) => ({
    id: neighbour.image.id,
    label: neighbour.image.labelName,
    distance: neighbour.distance.toFixed(3),
  }));
}

describe('empty database', () => {
  it('runs page says to start a run', async () => {
    const { page } = await open();
    await page.goto(`${stack.webUrl}/runs`);
    await page.getByRole('heading', { name: 'No training runs yet' }).waitFor({ timeout: UI_TIMEOUT_MS });

    await page.getByRole('link', { name: 'Start a training run' }).click();
    await page.waitForURL('**/runs/new', { timeout: UI_TIMEOUT_MS });
    await page.getByLabel('Epochs').waitFor({ timeout: UI_TIMEOUT_MS });
  });

  it('neighbours page says embeddings are missing', async () => {
    const { page } = await open();
    await page.goto(`${stack.webUrl}/neighbours?id=${stack.imageIds[0]}`);
    await page.getByRole('heading', { name: 'No embeddings yet' }).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.getByRole('link', { name: 'Start a training run' }).count()).toBe(1);
    expect(await page.locator('.error-message').count()).toBe(0);
    await saveScreenshots(page, 'neighbours-empty');
  });
});

describe('dashboard', () => {
  beforeAll(async () => {
    completedRunId = await stack.createCompletedRun();
  });

  it('runs page lists the completed run', async () => {
    const { page } = await open();
    await page.goto(`${stack.webUrl}/runs`);

    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: `Run ${completedRunId}`, exact: true }) });
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe('Completed');
    expect(cells).toContain('cifar10');
    expect(cells).toContain('paper');
    expect(cells).toContain(String(TRAIN_IMAGES + TEST_IMAGES));
    expect(await row.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
  });

  it('run page shows the configuration', async () => {
    const { page } = await open();
    await page.goto(`${stack.webUrl}/runs/${completedRunId}`);

    await page.getByRole('heading', { name: 'Configuration' }).waitFor({ timeout: UI_TIMEOUT_MS });
    const config = page.locator('section[aria-labelledby="config-heading"]');
    expect(await config.getByText('Subset size').locator('xpath=following-sibling::dd').textContent()).toBe(String(TRAIN_IMAGES));
    expect(await page.getByText('No epoch has finished yet.').count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Search neighbours with this run' }).count()).toBe(1);
  });

  it('neighbours page matches the API', async () => {
    const { page } = await open(LAPTOP);
    const queryId = stack.imageIds[7];
    const k = 6;
    await page.goto(`${stack.webUrl}/neighbours?id=${queryId}&k=${k}&run=${completedRunId}`);
    await page.getByRole('heading', { name: `${k} nearest` }).waitFor({ timeout: UI_TIMEOUT_MS });

    const api = await requestGraphQL<{ similar: ApiNeighbours; dissimilar: ApiNeighbours }>(stack.apiUrl, NEIGHBOURS, {
      id: queryId,
      k,
      runId: completedRunId,
    });
    const nearest = await readNeighbourRow(page, 'nearest-heading');
    const farthest = await readNeighbourRow(page, 'farthest-heading');

    expect(nearest[0].id).toBe(queryId);
    expect(farthest[0].id).toBe(queryId);
    expect(nearest.slice(1)).toEqual(expectedTiles(api.similar));
    expect(farthest.slice(1)).toEqual(expectedTiles(api.dissimilar));

    const nearestDistances = nearest.slice(1).map((tile) => Number(tile.distance));
    const farthestDistances = farthest.slice(1).map((tile) => Number(tile.distance));
    expect(Math.max(...nearestDistances)).toBeLessThan(Math.min(...farthestDistances));

    const firstImage = page.locator('section[aria-labelledby="nearest-heading"] img').nth(1);
    expect(await firstImage.getAttribute('alt')).toContain(api.similar.neighbours[0].image.labelName);
    expect(await firstImage.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth)).toBe(32);

    await saveScreenshots(page, 'neighbours');
  });

  it('clicking a result changes the query', async () => {
    const { page } = await open();
    const queryId = stack.imageIds[7];
    await page.goto(`${stack.webUrl}/neighbours?id=${queryId}&k=4&run=${completedRunId}`);
    await page.getByRole('heading', { name: '4 farthest' }).waitFor({ timeout: UI_TIMEOUT_MS });

    const [, farthestFirst] = await readNeighbourRow(page, 'farthest-heading');
    await page.locator('section[aria-labelledby="farthest-heading"] li').nth(1).getByRole('link').click();

    await page.waitForURL(`**/neighbours?id=${farthestFirst.id}&k=4&run=${completedRunId}`, { timeout: UI_TIMEOUT_MS });
    await page.getByText(`Query: image ${farthestFirst.id} (${farthestFirst.label})`).waitFor({ timeout: UI_TIMEOUT_MS });
    const nearest = await readNeighbourRow(page, 'nearest-heading');
    expect(nearest[0].id).toBe(farthestFirst.id);
    expect(nearest).toHaveLength(5);
    expect(await page.locator('#neighbours-image-id').inputValue()).toBe(String(farthestFirst.id));
  });

  it('neighbours form picks by id and at random', async () => {
    const { page } = await open();
    await page.goto(`${stack.webUrl}/neighbours`);
    await page.getByLabel('Image id').waitFor({ timeout: UI_TIMEOUT_MS });

    await page.getByLabel('Image id').fill('abc');
    await page.getByRole('button', { name: 'Show neighbours' }).click();
    expect(await page.locator('#neighbours-image-id-error').textContent()).toContain('Enter an image id');

    const chosenId = stack.imageIds[42];
    await page.getByLabel('Image id').fill(String(chosenId));
    await page.getByLabel('k', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Show neighbours' }).click();
    await page.waitForURL(`**/neighbours?id=${chosenId}&k=3`, { timeout: UI_TIMEOUT_MS });
    await page.getByRole('heading', { name: '3 nearest' }).waitFor({ timeout: UI_TIMEOUT_MS });

    await page.getByRole('button', { name: 'Random image' }).click();
    await page.waitForURL((url) => url.searchParams.get('id') !== String(chosenId), { timeout: UI_TIMEOUT_MS });
    const randomId = Number(new URL(page.url()).searchParams.get('id'));
    expect(stack.imageIds).toContain(randomId);
    await page.getByText(`Query: image ${randomId} `).waitFor({ timeout: UI_TIMEOUT_MS });
  });

  it('neighbours page reports an unknown image', async () => {
    const { page } = await open();
    const missingId = Math.max(...stack.imageIds) + 1000;
    await page.goto(`${stack.webUrl}/neighbours?id=${missingId}&k=5`);
    const alert = page.getByRole('alert').filter({ hasText: `Could not find the neighbours of image ${missingId}` });
    await alert.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await alert.textContent()).toContain(String(missingId));
  });

  it('image explorer filters by data set and label', async () => {
    const { page } = await open();
    await page.goto(`${stack.webUrl}/images`);
    await page.getByRole('list', { name: 'Images' }).waitFor({ timeout: UI_TIMEOUT_MS });

    const total = TRAIN_IMAGES + TEST_IMAGES;
    expect(await page.getByRole('list', { name: 'Images' }).getByRole('listitem').count()).toBe(48);
    expect(await page.locator('.pager-status').first().textContent()).toBe(`1–48 of ${total} · page 1 of ${Math.ceil(total / 48)}`);
    await saveScreenshots(page, 'images');

    await page.getByLabel('Data set').selectOption({ label: 'cifar10' });
    await page.waitForURL(`**/images?dataset=${stack.datasetId}`, { timeout: UI_TIMEOUT_MS });
    await page.getByText(`1–48 of ${total} ·`).first().waitFor({ timeout: UI_TIMEOUT_MS });

    await page.getByLabel('Split').selectOption({ label: 'Test' });
    await page.getByText(`1–48 of ${TEST_IMAGES} ·`).first().waitFor({ timeout: UI_TIMEOUT_MS });
    // Next.js's route announcer also has role="alert", so count the dashboard's error boxes.
    expect(await page.locator('.error-message').count()).toBe(0);
    await page.getByLabel('Split').selectOption({ label: 'Train and test' });
    await page.getByText(`1–48 of ${total} ·`).first().waitFor({ timeout: UI_TIMEOUT_MS });

    const { rows } = await stack.pool.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM images WHERE dataset_id = $1 AND label = 3`,
      [stack.datasetId],
    );
    await page.getByLabel('Label').selectOption({ label: 'cat' });
    await page.waitForURL(`**/images?dataset=${stack.datasetId}&label=3`, { timeout: UI_TIMEOUT_MS });
    const cats = rows[0].count;
    const shown = Math.min(cats, 48);
    await page.getByText(`1–${shown} of ${cats} ·`).first().waitFor({ timeout: UI_TIMEOUT_MS });
    const labels = await page.locator('.image-grid .image-label').allTextContents();
    expect(labels).toHaveLength(shown);
    expect(new Set(labels)).toEqual(new Set(['cat']));

    await page.locator('.image-grid a').first().click();
    await page.waitForURL('**/neighbours?id=*', { timeout: UI_TIMEOUT_MS });
    await page.getByRole('heading', { name: '10 nearest' }).waitFor({ timeout: UI_TIMEOUT_MS });
  });

  it('start form validates and queues a run', async () => {
    const { page } = await open();
    await page.goto(`${stack.webUrl}/runs/new`);
    await page.getByLabel('Epochs').waitFor({ timeout: UI_TIMEOUT_MS });
    await page.evaluate(() => window.sessionStorage.clear());

    await page.getByLabel('Epochs').fill('0');
    await page.getByLabel('Batch size').fill('1');
    await page.getByLabel('Learning rate').fill('abc');
    await page.getByRole('button', { name: 'Start training' }).click();

    expect(await page.locator('#field-epochs-error').textContent()).toBe('Must be at least 1.');
    expect(await page.locator('#field-batchSize-error').textContent()).toBe('Must be at least 2.');
    expect(await page.locator('#field-learningRate-error').textContent()).toBe('"abc" is not a number.');
    expect(await page.locator('#start-admin-token-error').textContent()).toBe('Enter the admin token to start a run.');
    expect(await page.getByLabel('Epochs').getAttribute('aria-invalid')).toBe('true');
    await saveScreenshots(page, 'start-training-errors');

    await page.getByLabel('Epochs').fill(String(TINY_RUN.epochs));
    await page.getByLabel('Batch size').fill(String(TINY_RUN.batchSize));
    await page.getByLabel('Learning rate').fill(String(TINY_RUN.learningRate));
    await page.getByLabel('Subset size').fill(String(TINY_RUN.subsetSize));
    await page.getByLabel('Embedding dimension').fill(String(TINY_RUN.embeddingDim));
    await page.getByLabel('Admin token').fill('wrong-token-0123456789');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.locator('#start-admin-token-error').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.locator('#start-admin-token-error').textContent()).not.toBe('');
    expect(page.url()).toBe(`${stack.webUrl}/runs/new`);

    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.waitForURL(/\/runs\/\d+$/, { timeout: UI_TIMEOUT_MS });
    expect(page.url()).not.toContain(ADMIN_TOKEN);
    const runId = Number(/\/runs\/(\d+)$/.exec(page.url())![1]);
    await page.getByRole('heading', { name: 'Progress' }).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.locator('h1 .status-badge').textContent()).toBe('Queued');
    expect(await page.evaluate(() => window.sessionStorage.getItem('dim.adminToken'))).toBe(ADMIN_TOKEN);

    const { trainingRun } = await requestGraphQL<{
      trainingRun: { status: string; config: { epochs: number; batchSize: number; subsetSize: number; embeddingDim: number; learningRate: number } };
    }>(stack.apiUrl, `query ($id: Int!) { trainingRun(id: $id) { status config { epochs batchSize subsetSize embeddingDim learningRate } } }`, {
      id: runId,
    });
    expect(trainingRun.status).toBe('QUEUED');
    expect(trainingRun.config).toEqual(TINY_RUN);
    queuedRunId = runId;
  });

  it('worker completes the queued run live', async () => {
    if (queuedRunId === undefined) {
      throw new Error('No queued run: the start-form test above failed before queueing one.');
    }
    const runId = queuedRunId;
    const { page } = await open();
    await page.goto(`${stack.webUrl}/runs`);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: `Run ${runId}`, exact: true }) });
    const status = row.locator('.status-badge');
    await status.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await status.textContent()).toBe('Queued');
    expect(await page.getByText('A run is active, so this table refreshes every 2 s.').count()).toBe(1);

    const worker = await startWorker({
      databaseUrl: stack.databaseUrl,
      runsDir: path.join(stack.workDir, 'runs'),
      dataDir: CIFAR10_DIR,
      pollIntervalMs: 500,
      progressIntervalMs: 500,
    });
    try {
      // The page is never reloaded: every status after "Queued" arrives by polling.
      const seen = new Set<string>();
      const deadline = Date.now() + TRAINING_TIMEOUT_MS;
      let current = 'Queued';
      let screenshotTaken = false;
      while (current !== 'Completed' && current !== 'Failed' && Date.now() < deadline) {
        await page.waitForTimeout(250);
        current = (await status.textContent()) ?? '';
        seen.add(current);
        // One screenshot of the live table once training has visibly progressed.
        const percent = Number(await row.getByRole('progressbar').getAttribute('aria-valuenow'));
        if (current === 'Running' && percent >= 25 && !screenshotTaken) {
          screenshotTaken = true;
          await saveScreenshots(page, 'runs-training');
        }
      }
      expect(current).toBe('Completed');
      expect(seen.has('Running') || seen.has('Embedding')).toBe(true);
    } finally {
      await worker.stop();
    }
    await page.getByText('A run is active').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await saveScreenshots(page, 'runs');

    await page.goto(`${stack.webUrl}/runs/${runId}`);
    await page.getByRole('heading', { name: 'Losses by epoch' }).waitFor({ timeout: UI_TIMEOUT_MS });
    const chart = page.getByRole('img', { name: new RegExp(`^Losses over ${TINY_RUN.epochs} epochs`) });
    await chart.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await chart.locator('path').count()).toBe(4);
    expect(await page.getByRole('region', { name: 'Losses by epoch' }).locator('tbody tr').count()).toBe(TINY_RUN.epochs);
    expect(await page.getByRole('region', { name: 'Checkpoints' }).locator('tbody tr').count()).toBeGreaterThanOrEqual(1);
    const retrieval = await page.locator('section[aria-labelledby="retrieval-heading"] dd').allTextContents();
    expect(retrieval).toHaveLength(3);
    for (const figure of retrieval) {
      expect(figure).toMatch(/^\d{1,3}\.\d%$/);
    }
    const backend = await page.getByText('Backend used').locator('xpath=following-sibling::dd').textContent();
    expect(backend).toMatch(/^(cpu|wasm|tensorflow|tensorflow-gpu)$/);
    await saveScreenshots(page, 'run-detail');

    await page.goto(`${stack.webUrl}/neighbours?id=${stack.imageIds[3]}&k=5&run=${runId}`);
    await page.getByRole('heading', { name: '5 nearest' }).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.getByText(`embeddings of run ${runId} (${TINY_RUN.embeddingDim} dimensions)`).count()).toBe(1);
  }, TRAINING_TIMEOUT_MS + 60_000);

  it('run page cancels a queued run', async () => {
    const { startTraining } = await requestGraphQL<{ startTraining: { id: number } }>(
      stack.apiUrl,
      `mutation ($input: StartTrainingInput!) { startTraining(input: $input) { id } }`,
      { input: { epochs: 1, subsetSize: 64 } },
      ADMIN_TOKEN,
    );
    const { page } = await open();
    await page.goto(`${stack.webUrl}/runs/${startTraining.id}`);
    const cancel = page.getByRole('button', { name: `Cancel run ${startTraining.id}` });
    await cancel.waitFor({ timeout: UI_TIMEOUT_MS });

    await cancel.click();
    expect(await page.locator('#cancel-admin-token-error').textContent()).toBe('Enter the admin token to cancel a run.');

    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await cancel.click();
    await page.locator('h1 .status-badge', { hasText: 'Cancelled' }).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await cancel.count()).toBe(0);
  });

  it('start form page and empty neighbours form', async () => {
    const { page } = await open();
    await page.goto(`${stack.webUrl}/runs/new`);
    await page.getByLabel('Epochs').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.getByLabel('Epochs').inputValue()).toBe('2');
    expect(await page.getByLabel('Batch size').inputValue()).toBe('64');
    expect(await page.getByLabel('Learning rate').inputValue()).toBe('0.0001');
    await saveScreenshots(page, 'start-training');

    await page.goto(`${stack.webUrl}/neighbours`);
    await page.getByLabel('Image id').waitFor({ timeout: UI_TIMEOUT_MS });
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    expect(focused).toBe('Skip to content');
  });
});

import type { Logger } from 'pino';

import type { LauncherConfig } from './config';

interface RunRow {
  id: number;
  status: string;
  dataset: { name: string };
}

const ACTIVE_OR_DONE = new Set(['QUEUED', 'RUNNING', 'EMBEDDING', 'COMPLETED']);

/**
 * Queues the CPU-sized demo run through the API's startTraining mutation, unless a CIFAR-10
 * run is already completed or in progress (so a second start reuses it). Returns the id of
 * the run the user should follow, or null.
 */
export async function queueDemoRunIfNeeded(graphqlUrl: string, config: LauncherConfig, logger: Logger): Promise<number | null> {
  const { trainingRuns } = await graphql<{ trainingRuns: RunRow[] }>(graphqlUrl, config.adminToken, '{ trainingRuns { id status dataset { name } } }');
  const existing = trainingRuns
    .filter((run) => run.dataset.name === 'cifar10' && ACTIVE_OR_DONE.has(run.status))
    .sort((a, b) => b.id - a.id)[0];
  if (existing) {
    logger.info({ runId: existing.id, status: existing.status }, 'Reusing the existing CIFAR-10 run');
    return existing.id;
  }

  const input = {
    datasetName: 'cifar10',
    preset: config.demo.preset,
    epochs: config.demo.epochs,
    batchSize: config.demo.batchSize,
    subsetSize: config.demo.subsetSize,
    backend: config.demo.backend === 'auto' ? null : config.demo.backend,
  };
  const { startTraining } = await graphql<{ startTraining: { id: number } }>(
    graphqlUrl,
    config.adminToken,
    'mutation Start($input: StartTrainingInput!) { startTraining(input: $input) { id } }',
    { input },
  );
  logger.info({ runId: startTraining.id, ...input }, 'Queued the demo training run');
  return startTraining.id;
}

async function graphql<T>(url: string, token: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length || !body.data) {
    throw new Error(`GraphQL request to ${url} failed (HTTP ${response.status}): ${body.errors?.map((e) => e.message).join('; ') ?? 'no data'}`);
  }
  return body.data;
}

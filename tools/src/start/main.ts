/**
 * One command for the whole product with the embedded database (`npm start`):
 * finds or downloads CIFAR-10, starts PGlite on 127.0.0.1, registers the images, serves the
 * GraphQL API, runs a training worker, queues a short CPU-sized DIM run when none has
 * completed, and serves the dashboard. A second start reuses the database, the completed
 * run and the dashboard build.
 */
import { createApiServer } from '@dim/api';
import { ensureCifar10, loadImageSet } from '@dim/dataset';
import { createPool, migrateDatabase, registerDataset, resolveDatabase } from '@dim/db';
import pino from 'pino';

import { ConfigError, loadLauncherConfig, type LauncherConfig } from './config';
import { startDashboard, type Dashboard } from './dashboard';
import { queueDemoRunIfNeeded } from './demo-run';
import { startWorkerProcess } from './worker-process';

// Readable lines for a person at a terminal, JSON lines when stderr goes to a file or a collector.
const logger = pino(
  { name: 'dim-start', level: process.env.LOG_LEVEL ?? 'info' },
  process.stderr.isTTY ? pino.transport({ target: 'pino-pretty', options: { destination: 2, ignore: 'pid,hostname' } }) : pino.destination(2),
);

async function main(): Promise<void> {
  const config = loadLauncherConfig();
  logger.info({ dataDir: config.dataDir, runsDir: config.runsDir, database: config.databaseUrl ? 'external' : 'embedded' }, 'Starting DIM image search');

  const stops: Array<() => Promise<void>> = [];
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'Stopping');
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => logger.error({ err: error }, 'Error while stopping a component'));
    }
    logger.info({ signal }, 'Stopped. The database and run folders are kept, and the next npm start reuses them');
    // The pretty transport writes from a worker thread; exiting before it flushes loses the line.
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  const cifar = await ensureCifar10({
    dir: config.dataDir,
    download: config.allowDownload,
    onProgress: progressLogger(),
  });
  logger.info({ location: cifar.path, kind: cifar.kind }, 'CIFAR-10 found');

  const database = await resolveDatabase({ ...process.env, DATABASE_URL: config.databaseUrl ?? '' });
  if (database.stop) stops.push(database.stop);
  await migrateDatabase(database.url);
  await registerCifar10(database.url, config, cifar.path);

  const api = await createApiServer({
    databaseUrl: database.url,
    host: '127.0.0.1',
    port: config.apiPort,
    adminToken: config.adminToken,
    corsOrigins: [`http://127.0.0.1:${config.webPort}`, `http://localhost:${config.webPort}`],
    logger: logger.child({ component: 'api' }),
  });
  stops.push(api.stop);
  logger.info({ url: api.graphqlUrl }, 'API listening');

  const worker = startWorkerProcess({ databaseUrl: database.url, dataDir: config.dataDir, runsDir: config.runsDir, logger });
  stops.push(() => worker.stop());

  const runId = await queueDemoRunIfNeeded(api.graphqlUrl, config, logger);

  let dashboard: Dashboard | undefined;
  if (!config.noWeb) {
    dashboard = await startDashboard(api.url, config.webPort, logger.child({ component: 'web' }));
    stops.push(dashboard.stop);
  }

  printReady(config, api.graphqlUrl, dashboard?.url, runId);
}

async function registerCifar10(databaseUrl: string, config: LauncherConfig, sourcePath: string): Promise<void> {
  const pool = createPool(databaseUrl, 2);
  try {
    for (const split of ['train', 'test'] as const) {
      const started = Date.now();
      const set = await loadImageSet({ name: 'cifar10', split, dir: config.dataDir });
      const registered = await registerDataset(pool, set, { sourcePath });
      logger.info(
        { split, images: set.count, inserted: registered.inserted, seconds: (Date.now() - started) / 1000 },
        registered.inserted > 0 ? 'Registered CIFAR-10 images' : 'CIFAR-10 images already registered',
      );
    }
  } finally {
    await pool.end();
  }
}

function progressLogger(): (received: number, total: number | undefined) => void {
  let lastLogged = 0;
  return (received, total) => {
    if (Date.now() - lastLogged < 5_000) return;
    lastLogged = Date.now();
    const mb = (received / 1e6).toFixed(0);
    logger.info(total ? `Downloading CIFAR-10: ${mb} of ${(total / 1e6).toFixed(0)} MB` : `Downloading CIFAR-10: ${mb} MB`);
  };
}

function printReady(config: LauncherConfig, graphqlUrl: string, dashboardUrl: string | undefined, runId: number | null): void {
  const lines = [
    '',
    'DIM image search is running (Ctrl+C stops it).',
    dashboardUrl ? `  Dashboard:   ${dashboardUrl}` : '  Dashboard:   not started (NO_WEB=true)',
    `  GraphQL API: ${graphqlUrl}`,
    `  Admin token: ${config.adminTokenGenerated ? `${config.adminToken} (generated, stored in data/admin-token)` : 'from ADMIN_TOKEN'}`,
    runId !== null && dashboardUrl ? `  Demo run:    ${dashboardUrl}/runs/${runId}` : '',
    '',
  ];
  process.stdout.write(lines.filter((line) => line !== '').join('\n') + '\n');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(2);
  }
  logger.fatal({ err: error }, `Start failed: ${(error as Error).message}`);
  process.exit(1);
});

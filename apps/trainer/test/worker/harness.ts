import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { createApiServer, type ApiServer } from '@dim/api';
import { loadImageSet, takeSubset } from '@dim/dataset';
import { registerDataset } from '@dim/db';

import { testLogger } from './fixtures';
import { startTestDatabase, type TestDatabase } from './test-database';

/** Repository root: tsx and the trainer CLI are started from there. */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');
/** A data folder with the real CIFAR-10 (cifar-10-batches-bin) in it. */
export const CIFAR_DATA_DIR = process.env.CIFAR10_DATA_DIR ?? path.resolve(REPO_ROOT, '../shared/data');

/** Registered images: enough for a 64-image training subset and a retrieval check. */
// Above 200 so the worker computes kNN accuracy at k = 200 after a run completes.
export const REGISTERED_TRAIN_IMAGES = 256;
export const REGISTERED_TEST_IMAGES = 32;

/**
 * A short training run: 4 steps of 16 images an epoch on the paper preset. One step took
 * 7 to 13 s on the WASM backend with 2 shared CPU cores, measured while writing these tests.
 */
export const SHORT_RUN = { datasetName: 'cifar10', preset: 'paper', epochs: 1, batchSize: 16, subsetSize: 64, embeddingDim: 32 };

/** Worker timings for tests: poll often, beat often, and recover dead local runs at once. */
export const FAST_WORKER_SETTINGS = {
  pollIntervalMs: 200,
  heartbeatIntervalMs: 1_000,
  heartbeatTimeoutMs: 60_000,
  progressIntervalMs: 500,
  cancelPollIntervalMs: 200,
};

export interface RunView {
  id: number;
  status: string;
  backend: string | null;
  error: string | null;
  embeddingCount: number;
  startedAt: string | null;
  finishedAt: string | null;
  progress: { epoch: number; epochs: number; step: number; stepsPerEpoch: number; fraction: number; totalLoss: number | null; imagesPerSecond: number | null; etaSeconds: number | null } | null;
}

export interface RunRecords {
  metrics: { epoch: number; totalLoss: number; imagesPerSecond: number }[];
  checkpoints: { epoch: number; step: number; path: string }[];
}

/** Fields read while polling: one row of training_runs, so each poll is one SQL query. */
const RUN_FIELDS = `id status backend error embeddingCount startedAt finishedAt
  progress { epoch epochs step stepsPerEpoch fraction totalLoss imagesPerSecond etaSeconds }`;

/** An embedded database with a registered CIFAR-10 subset and an API server on 127.0.0.1. */
export class Harness {
  private constructor(
    readonly database: TestDatabase,
    readonly api: ApiServer,
    readonly runsDir: string,
    private readonly tempDir: string,
  ) {}

  static async start(kind: TestDatabase['kind']): Promise<Harness> {
    const database = await startTestDatabase(kind);
    const tempDir = await mkdtemp(path.join(os.tmpdir(), 'dim-worker-runs-'));
    try {
      const train = await loadImageSet({ name: 'cifar10', split: 'train', dir: CIFAR_DATA_DIR });
      await registerDataset(database.db, takeSubset(train, { total: REGISTERED_TRAIN_IMAGES }), { sourcePath: CIFAR_DATA_DIR });
      const test = await loadImageSet({ name: 'cifar10', split: 'test', dir: CIFAR_DATA_DIR });
      await registerDataset(database.db, takeSubset(test, { total: REGISTERED_TEST_IMAGES }), { sourcePath: CIFAR_DATA_DIR });

      const api = await createApiServer({ databaseUrl: database.url, host: '127.0.0.1', port: 0, localOnly: true, logger: testLogger });
      return new Harness(database, api, path.join(tempDir, 'runs'), tempDir);
    } catch (error) {
      await database.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.api.stop();
    await this.database.stop();
    await rm(this.tempDir, { recursive: true, force: true });
  }

  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const text = await postJson(this.api.graphqlUrl, { query, variables });
    const body = JSON.parse(text) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(`GraphQL error: ${body.errors.map((error) => error.message).join('; ')}`);
    return body.data as T;
  }

  /** Queues a run through the startTraining mutation, as the dashboard does. */
  async startTraining(input: Record<string, unknown>): Promise<number> {
    const data = await this.graphql<{ startTraining: { id: number; status: string } }>(
      'mutation Start($input: StartTrainingInput!) { startTraining(input: $input) { id status } }',
      { input },
    );
    return data.startTraining.id;
  }

  async cancelTraining(id: number): Promise<void> {
    await this.graphql('mutation Cancel($id: Int!) { cancelTraining(id: $id) { id } }', { id });
  }

  async run(id: number): Promise<RunView> {
    const data = await this.graphql<{ trainingRun: RunView }>(`query Run($id: Int!) { trainingRun(id: $id) { ${RUN_FIELDS} } }`, { id });
    return data.trainingRun;
  }

  /** Reads the run's epoch metrics and checkpoints through the API, one query each. */
  async records(id: number): Promise<RunRecords> {
    const metrics = await this.graphql<{ trainingRun: Pick<RunRecords, 'metrics'> }>(
      'query Metrics($id: Int!) { trainingRun(id: $id) { metrics { epoch totalLoss imagesPerSecond } } }',
      { id },
    );
    const checkpoints = await this.graphql<{ trainingRun: Pick<RunRecords, 'checkpoints'> }>(
      'query Checkpoints($id: Int!) { trainingRun(id: $id) { checkpoints { epoch step path } } }',
      { id },
    );
    return { metrics: metrics.trainingRun.metrics, checkpoints: checkpoints.trainingRun.checkpoints };
  }

  /** Polls the run through the API until `done` holds; raises with the last state on timeout. */
  async waitForRun(id: number, done: (run: RunView) => boolean, timeoutMs: number, pollIntervalMs = 250): Promise<RunView> {
    const deadline = Date.now() + timeoutMs;
    let run = await this.run(id);
    while (!done(run)) {
      if (Date.now() > deadline) {
        throw new Error(`Timed out after ${timeoutMs} ms waiting for run ${id}; last state: ${JSON.stringify(run)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
      run = await this.run(id);
    }
    return run;
  }

  async waitForStatus(id: number, status: string, timeoutMs: number, pollIntervalMs?: number): Promise<RunView> {
    return this.waitForRun(id, (run) => run.status === status || isFinal(run.status), timeoutMs, pollIntervalMs);
  }

  /**
   * Starts `trainer worker` as a separate process against this harness's database. Node loads
   * tsx with --import rather than through the tsx binary, which would run the CLI in a child
   * process of its own, out of reach of the signals the tests send.
   */
  spawnCliWorker(env: Record<string, string> = {}): WorkerProcess {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'apps/trainer/src/cli.ts',
        'worker',
        '--database-url', this.database.url,
        '--runs-dir', this.runsDir,
        '--data-dir', CIFAR_DATA_DIR,
        '--poll-interval-ms', String(FAST_WORKER_SETTINGS.pollIntervalMs),
        '--heartbeat-interval-ms', String(FAST_WORKER_SETTINGS.heartbeatIntervalMs),
        '--heartbeat-timeout-ms', String(FAST_WORKER_SETTINGS.heartbeatTimeoutMs),
      ],
      { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return new WorkerProcess(child);
  }
}

/**
 * POSTs JSON on a new connection each time. A worker running in the test process blocks the
 * event loop for a whole training step, so the server's keep-alive timer can close an idle
 * connection just as a reused one sends the next request, which fetch reports as ECONNRESET.
 */
function postJson(url: string, body: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

export function isFinal(status: string): boolean {
  return status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED';
}

/** A spawned worker process and the JSON log lines it wrote. */
export class WorkerProcess {
  readonly logs: Record<string, unknown>[] = [];
  private output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ChildProcess) {
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      const lines = this.output.split('\n');
      this.output = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.logs.push({ msg: line });
        }
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  hasLogged(message: string): boolean {
    return this.logs.some((entry) => entry.msg === message);
  }

  async waitForLog(message: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.hasLogged(message)) {
      if (Date.now() > deadline) {
        throw new Error(`Worker ${this.pid} did not log "${message}" within ${timeoutMs} ms. Output:\n${this.dump()}`);
      }
      if (this.child.exitCode !== null) {
        throw new Error(`Worker ${this.pid} exited with code ${this.child.exitCode} before logging "${message}". Output:\n${this.dump()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  dump(): string {
    return this.logs.map((entry) => JSON.stringify(entry)).join('\n');
  }
}

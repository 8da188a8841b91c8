/**
 * Runs every benchmark script on this machine, stores each one's JSON output in
 * docs/benchmarks/<step>.json and renders docs/benchmarks.md from those files.
 *
 *   npm run bench [-- --quick] [--only=kernels,api-latency] [--checkpoint=runs/paper-cifar10]
 *     [--data-dir=<cifar-10-batches-bin>] [--step-timeout-minutes=240] [--render-only]
 *
 * --quick shrinks every step (rows, images, queries, timed seconds) so the whole pipeline runs
 * in about five minutes on two loaded cores; its figures only check the scripts.
 *
 * Each script runs as a child process, so a crash or an exhausted WASM heap fails one step and
 * the others still run. Steps skipped by --only keep their earlier files, and the page is
 * rendered from all files present. The PostgreSQL steps use DATABASE_URL_PG when it is set
 * (in a database named dim_bench on that server, created when missing), and otherwise a
 * throw-away server started with tools/setup/start-postgres.sh and removed afterwards.
 * api-latency keeps its runs in dim_bench and reuses them on the next invocation, which saves
 * loading 1,000,000 embeddings again.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { DATASETS } from '@dim/dataset';
import { Command } from 'commander';
import pg from 'pg';

import { RUN_INFO_FILE, writePage } from './report/render';
import type { BenchRecord, MachineInfo, PostgresInfo, RunInfo, TrainedRunInfo } from './report/types';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const RECORDS_DIR = path.join(REPO_ROOT, 'docs/benchmarks');
const PAGE_FILE = path.join(REPO_ROOT, 'docs/benchmarks.md');
/** Database that the PostgreSQL steps use on a server given by DATABASE_URL_PG, so the server's other databases stay untouched. */
const BENCH_DATABASE = 'dim_bench';
/** Shown in commands in place of the server URL. */
const PG_URL_PLACEHOLDER = '"$DATABASE_URL_PG"';
const TRAIN_COMMAND =
  'npx tsx apps/trainer/src/cli.ts train --dataset cifar10 --data-dir "$CIFAR10_DIR" --preset paper --epochs 10 --backend wasm --out runs/paper-cifar10';

interface Options {
  quick: boolean;
  only?: string[];
  checkpoint?: string;
  dataDir: string;
  renderOnly: boolean;
  stepTimeoutMinutes: number;
}

interface Step {
  name: string;
  benchmark: string;
  args: string[];
  database?: 'pglite' | 'postgresql';
  /** Environment changes: a string sets the variable, null removes it. */
  env?: Record<string, string | null>;
  shownEnv?: string;
  context?: BenchRecord['context'];
}

// ---------------------------------------------------------------------------------------------
// Command line

function parseCommandLine(argv: string[]): Options {
  const program = new Command()
    .name('npm run bench --')
    .description('Run the benchmarks and write docs/benchmarks.md and docs/benchmarks/*.json.')
    .option('--quick', 'small sizes and short timings, to check the pipeline in a few minutes', false)
    .option('--only <names>', `comma-separated steps or benchmarks to run: ${ALL_STEP_NAMES.join(', ')}`, (value: string) => value.split(',').map((name) => name.trim()))
    .option('--checkpoint <dir>', 'trained run folder or checkpoint folder for the retrieval-quality "trained" row')
    .option('--data-dir <dir>', 'CIFAR-10 folder (cifar-10-batches-bin)', process.env.CIFAR10_DIR ?? DATASETS.cifar10.defaultDir)
    .option('--render-only', 'rewrite docs/benchmarks.md from docs/benchmarks/*.json without running anything', false)
    .option('--step-timeout-minutes <minutes>', 'stop a step that runs longer than this', (value: string) => {
      const minutes = Number(value);
      if (!(minutes > 0)) throw new Error(`Invalid --step-timeout-minutes '${value}'; expected a positive number.`);
      return minutes;
    }, 240)
    .parse(argv, { from: 'user' });
  const options = program.opts<Options>();
  for (const name of options.only ?? []) {
    if (!ALL_STEP_NAMES.includes(name) && !ALL_BENCHMARKS.includes(name)) {
      program.error(`Invalid step '${name}' in --only; valid values: ${[...new Set([...ALL_BENCHMARKS, ...ALL_STEP_NAMES])].join(', ')}.`);
    }
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Step plan

const ALL_STEP_NAMES = [
  'kernels',
  'train-throughput',
  'train-throughput-reference',
  'train-throughput-cpu',
  'train-throughput-cpu-reference',
  'embed-throughput',
  'embed-throughput-cpu',
  'embeddings-write-pglite',
  'embeddings-write-postgresql',
  'api-latency-pglite',
  'api-latency-postgresql',
  'retrieval-quality',
];
const ALL_BENCHMARKS = ['kernels', 'train-throughput', 'embed-throughput', 'embeddings-write', 'api-latency', 'retrieval-quality'];

/** Backends other than the pure JavaScript one; scripts skip those not installed. */
const FAST_BACKENDS = '--backends=tensorflow-gpu,tensorflow,wasm';

/**
 * Returns the steps to run. The pure JavaScript `cpu` backend gets its own steps with one
 * small batch, because at the default sizes the `reference` preset would take it hours.
 */
function planSteps(options: Options, trainedRun: TrainedRunInfo | undefined): Step[] {
  const quick = options.quick;
  const steps: Step[] = [
    { name: 'kernels', benchmark: 'kernels', args: [] },
    // The paper preset at the demo run's batch of 64; the reference preset at 16, because 64
    // of its images overflow the 4 GiB WASM heap (40 is the largest batch that fits).
    {
      name: 'train-throughput',
      benchmark: 'train-throughput',
      args: quick
        ? [FAST_BACKENDS, '--presets=paper', '--batch=4', '--min-seconds=0', '--workers=1,2']
        : [FAST_BACKENDS, '--presets=paper', '--batch=64', '--min-seconds=20', '--workers=1,2'],
    },
    {
      name: 'train-throughput-reference',
      benchmark: 'train-throughput',
      args: quick
        ? [FAST_BACKENDS, '--presets=reference', '--batch=4', '--min-seconds=0']
        : [FAST_BACKENDS, '--presets=reference', '--batch=16', '--min-seconds=20', '--workers=1,2'],
    },
    // One step per preset, because a reference step on the cpu backend takes many minutes and
    // a timeout there would otherwise lose the paper row too.
    {
      name: 'train-throughput-cpu',
      benchmark: 'train-throughput',
      args: quick ? ['--backends=cpu', '--presets=paper', '--batch=2', '--min-seconds=0'] : ['--backends=cpu', '--presets=paper', '--batch=4', '--min-seconds=0'],
    },
    ...(quick
      ? []
      : [{ name: 'train-throughput-cpu-reference', benchmark: 'train-throughput', args: ['--backends=cpu', '--presets=reference', '--batch=4', '--min-seconds=0'] }]),
    {
      name: 'embed-throughput',
      benchmark: 'embed-throughput',
      args: quick ? [FAST_BACKENDS, '--batch=16', '--min-seconds=2'] : [FAST_BACKENDS, '--batch=64', '--min-seconds=20'],
    },
    {
      name: 'embed-throughput-cpu',
      benchmark: 'embed-throughput',
      args: quick ? ['--backends=cpu', '--presets=paper', '--batch=4', '--min-seconds=0'] : ['--backends=cpu', '--batch=4', '--min-seconds=0'],
    },
  ];

  const writeArgs = quick ? ['--rows', '5000', '--recall-queries', '20', '--latency-queries', '5'] : ['--rows', '60000'];
  steps.push(
    { name: 'embeddings-write-pglite', benchmark: 'embeddings-write', database: 'pglite', args: ['--database', 'pglite', ...writeArgs] },
    {
      name: 'embeddings-write-postgresql',
      benchmark: 'embeddings-write',
      database: 'postgresql',
      args: ['--database', 'postgresql', ...writeArgs],
      // attachServer sets DATABASE_URL once the server runs.
      shownEnv: `DATABASE_URL=${PG_URL_PLACEHOLDER}`,
    },
  );

  const latencyArgs = quick ? ['--queries', '20', '--warmup', '5'] : [];
  const cifarArgs = ['--cifar10-dir', options.dataDir];
  steps.push(
    {
      name: 'api-latency-pglite',
      benchmark: 'api-latency',
      database: 'pglite',
      args: ['--sizes', quick ? '2000' : '60000', ...latencyArgs, ...cifarArgs],
      // api-latency falls back to DATABASE_URL; without it the script uses a scratch PGlite.
      env: { DATABASE_URL: null },
    },
    {
      name: 'api-latency-postgresql',
      benchmark: 'api-latency',
      database: 'postgresql',
      args: ['--sizes', quick ? '2000,20000' : '60000,1000000', ...latencyArgs, ...cifarArgs],
    },
  );

  const retrievalArgs = ['--data-dir', options.dataDir, ...(quick ? ['--subset', '200,1000'] : [])];
  if (trainedRun != null) retrievalArgs.push('--checkpoint', trainedRun.checkpointDir);
  steps.push({
    name: 'retrieval-quality',
    benchmark: 'retrieval-quality',
    args: retrievalArgs,
    context: trainedRun != null ? { trainedRun } : { trainCommand: TRAIN_COMMAND },
  });

  const only = options.only;
  if (only == null) return steps;
  return steps.filter((step) => only.includes(step.name) || only.includes(step.benchmark));
}

// ---------------------------------------------------------------------------------------------
// Trained run

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

/** Fields of a checkpoint's model.json and a run folder's config.json and metrics.json that the page shows. */
interface CheckpointManifestFields {
  config?: { preset?: string; embeddingDim?: number };
  progress?: { epoch?: number };
}
interface RunConfigFields {
  training?: { backend?: string };
}
interface RunMetricsFields {
  epochs?: { seconds: number; images: number; imagesPerSecond?: number }[];
}

/**
 * Resolves --checkpoint to a checkpoint folder (with model.json) and reads the configuration
 * and training time of its run folder. A run folder resolves to its newest checkpoint.
 */
function describeTrainedRun(dir: string): TrainedRunInfo {
  const resolved = path.resolve(dir);
  let checkpointDir: string;
  let runDir: string | undefined;
  if (existsSync(path.join(resolved, 'model.json'))) {
    checkpointDir = resolved;
    const parent = path.dirname(resolved);
    if (path.basename(parent) === 'checkpoints' && existsSync(path.join(path.dirname(parent), 'config.json'))) runDir = path.dirname(parent);
  } else if (existsSync(path.join(resolved, 'checkpoints'))) {
    runDir = resolved;
    const candidates = readdirSync(path.join(resolved, 'checkpoints'))
      .filter((name) => existsSync(path.join(resolved, 'checkpoints', name, 'model.json')))
      .sort();
    if (candidates.length === 0) throw new Error(`No checkpoint with a model.json in ${path.join(resolved, 'checkpoints')}.`);
    checkpointDir = path.join(resolved, 'checkpoints', candidates[candidates.length - 1]);
  } else {
    throw new Error(`--checkpoint ${dir}: neither a checkpoint folder (model.json) nor a run folder (checkpoints/).`);
  }

  const manifest = readJson<CheckpointManifestFields>(path.join(checkpointDir, 'model.json'));
  const runConfig = runDir ? readJson<RunConfigFields>(path.join(runDir, 'config.json')) : undefined;
  const metrics = runDir ? readJson<RunMetricsFields>(path.join(runDir, 'metrics.json')) : undefined;
  const epochs = metrics?.epochs;
  const show = (file: string) => path.relative(REPO_ROOT, file) || '.';
  return {
    checkpointDir: show(checkpointDir),
    runDir: runDir ? show(runDir) : undefined,
    preset: manifest?.config?.preset,
    embeddingDim: manifest?.config?.embeddingDim,
    config: runConfig ?? manifest?.config,
    epochs: epochs?.length ?? manifest?.progress?.epoch,
    imagesPerEpoch: epochs?.[0]?.images,
    trainingSeconds: epochs?.reduce((sum, epoch) => sum + epoch.seconds, 0),
    epochImagesPerSecond: epochs?.map((epoch) => epoch.imagesPerSecond ?? epoch.images / epoch.seconds),
    backend: runConfig?.training?.backend,
  };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

interface PostgresServer {
  url: string;
  info: PostgresInfo;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>('SELECT version()');
    return rows[0].version.split(',')[0];
  } finally {
    await client.end();
  }
}

/** Creates the benchmark database on a given server when missing and returns its URL. */
async function benchDatabaseOn(serverUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [BENCH_DATABASE]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${BENCH_DATABASE}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${BENCH_DATABASE}`;
  return url.toString();
}

/** Returns a server for the PostgreSQL steps, or a skip reason when none can be had. */
async function openPostgres(): Promise<PostgresServer | { skipped: string }> {
  const given = process.env.DATABASE_URL_PG;
  if (given) {
    const url = await benchDatabaseOn(given);
    return { url, info: { source: 'DATABASE_URL_PG', version: await serverVersion(url) }, stop: () => undefined };
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), 'dim-bench-postgres-'));
  const port = await freePort();
  log(`starting a throw-away PostgreSQL server in ${dir} on 127.0.0.1:${port}`);
  const started = spawnSync('bash', [path.join(REPO_ROOT, 'tools/setup/start-postgres.sh'), dir, String(port), BENCH_DATABASE], { encoding: 'utf8' });
  const stop = () => {
    log(`stopping the throw-away PostgreSQL server in ${dir}`);
    spawnSync('bash', [path.join(REPO_ROOT, 'tools/setup/stop-postgres.sh'), dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  };
  if (started.status !== 0) {
    stop();
    const reason = `tools/setup/start-postgres.sh failed (exit status ${started.status}): ${started.stderr.trim().split('\n').slice(-3).join(' ')}`;
    return { skipped: reason };
  }
  const url = started.stdout.trim().split('\n').pop() as string;
  return { url, info: { source: 'throw-away server', version: await serverVersion(url) }, stop };
}

// ---------------------------------------------------------------------------------------------
// Running steps

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function loadAverage1m(): number {
  return Number(os.loadavg()[0].toFixed(2));
}

function shellQuote(value: string): string {
  return /^[\w./=,:@+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Arguments shown on the page as environment variables: the server URL, which may carry a
 * password, and the data folder, which differs between machines.
 */
const shownAsVariable = new Map<string, string>();

/** Shows one command-line argument, with a known value in `--name=value` replaced too. */
function shownArgument(arg: string): string {
  const variable = shownAsVariable.get(arg);
  if (variable != null) return variable;
  const match = /^(--[\w-]+=)(.*)$/.exec(arg);
  const shownValue = match == null ? undefined : shownAsVariable.get(match[2]);
  return shownValue == null ? shellQuote(arg) : `${match![1]}${shownValue}`;
}

function shownCommand(step: Step): string {
  const args = step.args.map(shownArgument);
  return [step.shownEnv, 'npx tsx', `tools/src/bench/${step.benchmark}.ts`, ...args].filter(Boolean).join(' ');
}

/**
 * Parses the JSON document a script printed. retrieval-quality prints a markdown table after
 * its JSON, so the document ends at the first line that is a lone closing brace.
 */
function parseJsonOutput(stdout: string): unknown {
  const trimmed = stdout.trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    const end = trimmed.search(/^\}$/m);
    if (end < 0) throw new Error('no JSON document on stdout');
    return JSON.parse(trimmed.slice(0, end + 1));
  }
}

let currentChild: ReturnType<typeof spawn> | undefined;

/** Runs one step in a child process and returns its record. A failed step is recorded with its reason, not raised. */
async function runStep(step: Step, options: Options): Promise<BenchRecord> {
  const record: BenchRecord = {
    step: step.name,
    benchmark: step.benchmark,
    command: shownCommand(step),
    startedAt: new Date().toISOString(),
    seconds: 0,
    loadAverage1m: loadAverage1m(),
    quick: options.quick,
    status: 'ok',
    context: { ...step.context, ...(step.database ? { database: step.database } : {}) },
  };
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(step.env ?? {})) {
    if (value == null) delete env[name];
    else env[name] = value;
  }

  log(`${step.name}: ${record.command}`);
  const start = performance.now();
  const script = path.join(REPO_ROOT, 'tools/src/bench', `${step.benchmark}.ts`);
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...step.args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  currentChild = child;

  let stdout = '';
  const stderrTail: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    process.stderr.write(chunk.replace(/^(?=.)/gm, `[${step.name}] `));
    stderrTail.push(...chunk.split('\n').filter((line) => line.trim() !== ''));
    stderrTail.splice(0, Math.max(0, stderrTail.length - 20));
  });

  const timeoutMs = options.stepTimeoutMinutes * 60_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
  }, timeoutMs);
  const { code, signal, spawnError } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }>((resolve) => {
    child.on('close', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
    child.on('error', (error) => resolve({ code: null, signal: null, spawnError: error }));
  });
  clearTimeout(timer);
  currentChild = undefined;
  record.seconds = Number(((performance.now() - start) / 1000).toFixed(1));

  if (code !== 0 || timedOut || spawnError) {
    record.status = 'failed';
    let how = `exit status ${code}`;
    if (spawnError) how = `failed to start: ${spawnError.message}`;
    else if (timedOut) how = `timed out after ${options.stepTimeoutMinutes} min`;
    else if (signal) how = `killed by ${signal}`;
    record.reason = `${how}. Last stderr lines:\n${stderrTail.slice(-8).join('\n')}`;
    log(`${step.name} failed: ${how}`);
    return record;
  }
  try {
    record.result = parseJsonOutput(stdout);
  } catch (error) {
    record.status = 'failed';
    record.reason = `exit status 0 but stdout could not be parsed: ${(error as Error).message}`;
  }
  log(`${step.name} ${record.status} in ${record.seconds} s`);
  return record;
}

/** Points a PostgreSQL step at the server: embeddings-write reads DATABASE_URL, api-latency takes --database-url. */
function attachServer(step: Step, url: string): void {
  if (step.benchmark === 'embeddings-write') {
    step.env = { DATABASE_URL: url };
  } else {
    step.args = [...step.args, '--database-url', url];
  }
}

function skippedRecord(step: Step, options: Options, reason: string): BenchRecord {
  return {
    step: step.name,
    benchmark: step.benchmark,
    command: shownCommand(step),
    startedAt: new Date().toISOString(),
    seconds: 0,
    loadAverage1m: loadAverage1m(),
    quick: options.quick,
    status: 'skipped',
    reason,
    context: { database: 'postgresql' },
  };
}

function machineInfo(): MachineInfo {
  const cpuInfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(cpuInfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const [one, five, fifteen] = os.loadavg().map((value) => Number(value.toFixed(2)));
  return { cpuModel, cores: os.cpus().length, memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)), node: process.version, loadAverage: [one, five, fifteen] };
}

function writeRecord(record: BenchRecord): void {
  writeFileSync(path.join(RECORDS_DIR, `${record.step}.json`), `${JSON.stringify(record, null, 2)}\n`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseCommandLine(argv);
  // The data folder differs between machines, so the page names it by its variable.
  shownAsVariable.set(options.dataDir, '"$CIFAR10_DIR"');
  mkdirSync(RECORDS_DIR, { recursive: true });
  if (options.renderOnly) {
    writePage(RECORDS_DIR, PAGE_FILE);
    log(`wrote ${path.relative(REPO_ROOT, PAGE_FILE)}`);
    return;
  }

  const run: RunInfo = {
    date: new Date().toISOString(),
    quick: options.quick,
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv.map(shownArgument)] : [])].join(' '),
    steps: [],
    machine: machineInfo(),
  };
  const trainedRun = options.checkpoint ? describeTrainedRun(options.checkpoint) : undefined;
  const steps = planSteps(options, trainedRun);
  run.steps = steps.map((step) => step.name);

  let postgres: PostgresServer | undefined;
  const stopPostgres = () => {
    postgres?.stop();
    postgres = undefined;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal} received; stopping the current step`);
    currentChild?.kill('SIGTERM');
    stopPostgres();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    if (steps.some((step) => step.database === 'postgresql')) {
      const opened = await openPostgres();
      if ('skipped' in opened) {
        run.postgres = { source: 'skipped', reason: opened.skipped };
        log(`PostgreSQL steps skipped: ${opened.skipped}`);
      } else {
        postgres = opened;
        run.postgres = opened.info;
        shownAsVariable.set(opened.url, PG_URL_PLACEHOLDER);
      }
    }

    for (const step of steps) {
      if (step.database === 'postgresql' && postgres == null) {
        writeRecord(skippedRecord(step, options, run.postgres?.reason ?? 'no PostgreSQL server'));
        continue;
      }
      if (step.database === 'postgresql' && postgres != null) attachServer(step, postgres.url);
      writeRecord(await runStep(step, options));
    }
  } finally {
    stopPostgres();
  }

  writeFileSync(path.join(RECORDS_DIR, RUN_INFO_FILE), `${JSON.stringify(run, null, 2)}\n`);
  writePage(RECORDS_DIR, PAGE_FILE);
  log(`wrote ${path.relative(REPO_ROOT, PAGE_FILE)} and ${path.relative(REPO_ROOT, RECORDS_DIR)}/`);
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exitCode = 1;
});

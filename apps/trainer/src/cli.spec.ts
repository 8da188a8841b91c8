import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { PNG } from 'pngjs';

import { neighbourFigureLayout } from './figure/neighbour-figure';
import type { MetricsFile, ProgressFile } from './training/run-folder';
import type { StepRecord } from './training/types';

// End-to-end: the CLI runs as a child process on a 64-image subset of the real CIFAR-10,
// with the WASM backend, which needs no native TensorFlow. The tests share one run folder
// and run in order: interrupted training, resume, then search.
const REPO_ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(__dirname, 'cli.ts');
const CIFAR10_DIR = process.env.CIFAR10_DIR ?? path.resolve(REPO_ROOT, '../shared/data/cifar-10-batches-bin');
const BACKEND = process.env.TRAINER_TEST_BACKEND ?? 'wasm';

const run = promisify(execFile);

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'info' },
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

async function readJsonFile<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

describe('trainer CLI', () => {
  let workDir: string;
  let runDir: string;

  beforeAll(async () => {
    if (!existsSync(path.join(CIFAR10_DIR, 'data_batch_1.bin'))) {
      throw new Error(`CIFAR-10 binary files not found in ${CIFAR10_DIR}. Set CIFAR10_DIR to the cifar-10-batches-bin folder.`);
    }
    workDir = await mkdtemp(path.join(tmpdir(), 'trainer-cli-'));
    runDir = path.join(workDir, 'run');
  });

  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('stops on SIGINT with a mid-epoch checkpoint', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'train', '--data-dir', CIFAR10_DIR, '--subset', '64', '--batch-size', '16', '--epochs', '1',
        '--seed', '3', '--backend', BACKEND, '--out', runDir],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    // Interrupt once the first of the four steps is recorded, so training stops mid-epoch.
    const stepsFile = path.join(runDir, 'steps.jsonl');
    while (!existsSync(stepsFile) || (await readFile(stepsFile, 'utf8')).length === 0) {
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    child.kill('SIGINT');
    const code = await exited;

    expect(stderr).toContain('Interrupted: saving a checkpoint after the current step');
    expect(code).toBe(130);
    const summary = lastJsonLine<{ stopped: boolean; state: { epoch: number; step: number } }>(stdout);
    expect(summary.stopped).toBe(true);
    expect(summary.state.epoch).toBe(0);
    expect([1, 2, 3]).toContain(summary.state.step);

    const checkpoints = await readdir(path.join(runDir, 'checkpoints'));
    expect(checkpoints).toEqual([`epoch-0000-step-00000${summary.state.step}`]);
    const progress = await readJsonFile<ProgressFile>(path.join(runDir, 'progress.json'));
    expect(progress).toMatchObject({ epoch: 1, state: 'stopped', done: false, step: summary.state.step });
  });

  it('resumes and finishes the interrupted epoch', async () => {
    const result = await cli('train', '--resume', runDir, '--data-dir', CIFAR10_DIR, '--backend', BACKEND);
    expect(result.stderr).not.toContain('"level":50');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Resuming');
    expect(result.stderr).toContain(`Using backend ${BACKEND}`);
    expect(result.stderr).toContain('Epoch 1/1: loss');
    expect(result.stderr).toContain('Wrote checkpoint');

    const metrics = await readJsonFile<MetricsFile>(path.join(runDir, 'metrics.json'));
    expect(metrics.epochs).toHaveLength(1);
    expect(metrics.epochs[0]).toMatchObject({ epoch: 1, steps: 4, images: 64 });
    expect(metrics.epochs[0].imagesPerSecond).toBeGreaterThan(0);
    for (const name of ['total', 'local', 'global', 'prior', 'discriminator'] as const) {
      expect(Number.isFinite(metrics.epochs[0].losses[name])).toBe(true);
    }

    const progress = await readJsonFile<ProgressFile>(path.join(runDir, 'progress.json'));
    expect(progress).toMatchObject({ epoch: 1, totalEpochs: 1, done: true, state: 'finished', globalStep: 4 });

    const steps = (await readFile(path.join(runDir, 'steps.jsonl'), 'utf8')).trim().split('\n');
    expect(steps.map((line) => (JSON.parse(line) as StepRecord).globalStep)).toEqual([1, 2, 3, 4]);

    const checkpoint = path.join(runDir, 'checkpoints', 'epoch-0001-step-000000');
    expect((await readdir(checkpoint)).sort()).toEqual(['model.json', 'trainer-state.json', 'weights.bin']);
    const state = await readJsonFile<{ epoch: number; step: number; globalStep: number }>(path.join(checkpoint, 'trainer-state.json'));
    expect(state).toMatchObject({ epoch: 1, step: 0, globalStep: 4 });
  });

  it('searches and draws a figure of the expected size', async () => {
    const figure = path.join(workDir, 'search.png');
    const result = await cli('search', '--checkpoint', runDir, '--index', '5', '--limit', '200', '--backend', BACKEND, '--out', figure);
    expect(result.stderr).not.toContain('"level":50');
    expect(result.code).toBe(0);

    const output = lastJsonLine<{ nearest: { index: number; distance: number }[]; farthest: { index: number; distance: number }[] }>(result.stdout);
    expect(output.nearest).toHaveLength(10);
    expect(output.farthest).toHaveLength(10);
    expect(output.nearest.map((entry) => entry.index)).not.toContain(5);
    const distances = output.nearest.map((entry) => entry.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(output.farthest[0].distance).toBeGreaterThanOrEqual(output.nearest[9].distance);

    const png = PNG.sync.read(await readFile(figure));
    const layout = neighbourFigureLayout(32 * 4, 10);
    expect(png.width).toBe(layout.width);
    expect(png.height).toBe(layout.height);

    expect((await stat(path.join(runDir, 'embeddings-test.bin'))).size).toBe(200 * 64 * 4);
    const again = await cli('search', '--checkpoint', runDir, '--index', '5', '--limit', '200', '--backend', BACKEND, '--out', figure);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('Using cached embeddings of the test split');
    expect(lastJsonLine(again.stdout)).toEqual(output);
  });

  it.each([
    [['train', '--batch-size', '1'], "--batch-size must be an integer of at least 2, got '1'"],
    [['train', '--epochs', '0'], "--epochs must be an integer of at least 1, got '0'"],
    [['train', '--preset', 'huge'], "--preset must be one of reference, paper, got 'huge'"],
    [['train', '--dataset', 'mnist'], "--dataset must be one of cifar10, fashion-mnist, got 'mnist'"],
    [['train', '--learning-rate', '-1'], "--learning-rate must be a number greater than 0, got '-1'"],
    [['train', '--subset', '10', '--subset-per-class', '1'], '--subset and --subset-per-class cannot be combined'],
    [['search', '--index', '1'], "required option '--checkpoint <path>' not specified"],
  ])('rejects %j', async (args, message) => {
    const result = await cli(...args);

    expect(result.stderr).toContain(message);
    expect(result.code).toBe(2);
  });

  it('rejects a missing data folder', async () => {
    const missing = path.join(workDir, 'no-data');
    const result = await cli('train', '--data-dir', missing, '--backend', 'cpu', '--out', path.join(workDir, 'unused'));

    expect(result.stderr).toContain(missing);
    expect(result.stderr).toContain('--data-dir');
    expect(result.code).toBe(2);
  });

  it('rejects a query index outside the split', async () => {
    const result = await cli('search', '--checkpoint', runDir, '--index', '200', '--limit', '200', '--backend', BACKEND);

    expect(result.stderr).toContain('--index 200 is out of range: the test split has 200 images with --limit 200 (valid: 0 to 199)');
    expect(result.code).toBe(2);
  });

  it('rejects a changed setting when resuming', async () => {
    const result = await cli('train', '--resume', runDir, '--batch-size', '8', '--data-dir', CIFAR10_DIR, '--backend', BACKEND);

    expect(result.stderr).toContain('--batch-size 8 differs from the value 16 stored in');
    expect(result.code).toBe(2);
  });
});

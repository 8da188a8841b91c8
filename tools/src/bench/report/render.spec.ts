import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { flopsPerImage } from '@dim/dim-model';

import { formatRate } from './format';
import { RUN_INFO_FILE, loadRecords, renderPage, writePage } from './render';
import type { BenchRecord, RunInfo } from './types';

const RUN: RunInfo = {
  date: '2026-12-04T22:00:00.000Z',
  quick: true,
  command: 'npm run bench -- --quick',
  steps: [],
  machine: { cpuModel: 'Test CPU', cores: 2, memoryGiB: 24, node: 'v20.0.0', loadAverage: [1, 2, 3] },
};

function record(step: string, benchmark: string, result: unknown, extra: Partial<BenchRecord> = {}): BenchRecord {
  return {
    step,
    benchmark,
    command: `npx tsx tools/src/bench/${benchmark}.ts`,
    startedAt: '2026-12-04T22:00:00.000Z',
    seconds: 1,
    loadAverage1m: 1,
    quick: true,
    status: 'ok',
    result,
    ...extra,
  };
}

const WASM = { name: 'wasm', tfBackendName: 'wasm', simd: true, threads: 1 };

/** matMul peak of 10 GFLOP/s, so a share is the model's GFLOP/s divided by 10. */
const KERNELS = record('kernels', 'kernels', { results: [{ backend: WASM, matMul: [{ size: 256, ms: 1, gflops: 10 }, { size: 512, ms: 30, gflops: 8 }], conv: [] }] });

function tableRow(page: string, firstCells: string): string {
  const row = page.split('\n').find((line) => line.startsWith(`| ${firstCells}`));
  if (row == null) throw new Error(`no table row starting with '${firstCells}' in:\n${page}`);
  return row;
}

describe('renderPage', () => {
  test('training share uses the best matMul', () => {
    const imagesPerSecond = 10;
    const training = record('train-throughput', 'train-throughput', {
      results: [{ backend: WASM, preset: 'paper', batch: 16, imagesPerSecond, imagesPerCpuSecond: 20 }],
    });
    const page = renderPage(RUN, [KERNELS, training]);

    const gflops = (imagesPerSecond * flopsPerImage('paper').trainingStep) / 1e9;
    const row = tableRow(page, 'wasm (SIMD, 1 thread) | paper | 16 | 1');
    expect(row).toContain(`| ${gflops.toFixed(2)} |`);
    expect(row).toContain(`| ${((gflops / 10) * 100).toFixed(1)}% |`);
  });

  test('training share scales the peak by workers', () => {
    const training = record('train-throughput', 'train-throughput', {
      results: [{ backend: WASM, preset: 'paper', batch: 16, workers: 2, imagesPerSecond: 10, imagesPerCpuSecond: 5 }],
    });
    const page = renderPage(RUN, [KERNELS, training]);

    const gflops = (10 * flopsPerImage('paper').trainingStep) / 1e9;
    const row = tableRow(page, 'wasm (SIMD, 1 thread) | paper | 16 | 2');
    expect(row).toContain('| 20 |');
    expect(row).toContain(`| ${((gflops / 20) * 100).toFixed(1)}% |`);
  });

  test('embedding share counts the encoder forward pass', () => {
    const embedding = record('embed-throughput', 'embed-throughput', {
      results: [{ backend: WASM, preset: 'paper', batch: 64, imagesPerSecond: 100, imagesPerCpuSecond: 100 }],
    });
    const page = renderPage(RUN, [KERNELS, embedding]);

    const gflops = (100 * flopsPerImage('paper').encoderForward) / 1e9;
    expect(tableRow(page, 'wasm (SIMD, 1 thread) | paper | 64 | 1')).toContain(`| ${((gflops / 10) * 100).toFixed(1)}% |`);
  });

  test('API latency flags ratios above 1.5', () => {
    const latency = (p50: number, p99: number) => ({ p50Ms: p50, p99Ms: p99, meanMs: p50, minMs: p50, maxMs: p99 });
    const apiLatency = record(
      'api-latency-postgresql',
      'api-latency',
      {
        settings: { queries: 200 },
        results: [
          { size: 1_000_000, source: 'synthetic', order: 'nearest', sql: latency(10, 20), api: latency(12, 25), apiOverSqlP50: 1.2, apiOverSqlP99: 1.25, matchingResults: 200 },
          { size: 1_000_000, source: 'synthetic', order: 'farthest', sql: latency(10, 20), api: latency(16, 25), apiOverSqlP50: 1.6, apiOverSqlP99: 1.25, matchingResults: 199 },
        ],
      },
      { context: { database: 'postgresql' } },
    );
    const page = renderPage(RUN, [apiLatency]);

    expect(tableRow(page, 'postgresql | 1,000,000 | synthetic | similar')).toContain('| yes |');
    expect(tableRow(page, 'postgresql | 1,000,000 | synthetic | dissimilar')).toContain('| **no** |');
  });

  test('retrieval without checkpoint names the training command', () => {
    const metrics = { knn20Accuracy: 0.35, knn200Accuracy: 0.3, precisionAt10: 0.28 };
    const retrieval = record(
      'retrieval-quality',
      'retrieval-quality',
      { testImages: 10_000, trainImages: 50_000, rows: [{ representation: 'raw pixels', dim: 3072, metrics, evaluationSeconds: 1, evaluationCpuSeconds: 1 }] },
      { context: { trainCommand: 'npx tsx apps/trainer/src/cli.ts train --out runs/x' } },
    );
    const page = renderPage(RUN, [retrieval]);

    expect(tableRow(page, 'raw pixels | 3072')).toContain('| 0.3500 | 0.3000 | 0.2800 |');
    expect(tableRow(page, 'trained | -')).toBeDefined();
    expect(page).toContain('npx tsx apps/trainer/src/cli.ts train --out runs/x');
  });

  test('retrieval describes trained run', () => {
    const metrics = { knn20Accuracy: 0.4, knn200Accuracy: 0.35, precisionAt10: 0.3 };
    const trainedRun = {
      checkpointDir: 'runs/x/checkpoints/epoch-0002-step-000000',
      runDir: 'runs/x',
      preset: 'paper',
      embeddingDim: 64,
      config: { training: { epochs: 2, batchSize: 64 } },
      epochs: 2,
      imagesPerEpoch: 5000,
      trainingSeconds: 1569.4,
    };
    const retrieval = record(
      'retrieval-quality',
      'retrieval-quality',
      { testImages: 10_000, trainImages: 50_000, rows: [{ representation: 'trained (runs/x)', dim: 64, metrics, evaluationSeconds: 1, evaluationCpuSeconds: 1 }] },
      { context: { trainedRun } },
    );
    const page = renderPage(RUN, [retrieval]);

    expect(tableRow(page, 'trained (runs/x) | 64')).toContain('| 0.4000 | 0.3500 | 0.3000 |');
    expect(page).toContain('2 epoch(s) of 5,000 images, training time 1,569 s');
    expect(page).toContain('"batchSize": 64');
    expect(page).not.toContain('| trained | - |');
  });

  test('failed step shows its reason', () => {
    const failed = record('embeddings-write-postgresql', 'embeddings-write', undefined, { status: 'failed', reason: 'exit status 1. Last stderr lines:\nboom' });
    const page = renderPage(RUN, [failed]);

    expect(page).toContain('`embeddings-write-postgresql` failed: exit status 1. Last stderr lines:');
  });

  test('quick run is labelled provisional', () => {
    expect(renderPage(RUN, [])).toContain('Quick, provisional run');
    expect(renderPage({ ...RUN, quick: false }, [])).not.toContain('Quick, provisional run');
  });
});

describe('writePage', () => {
  test('renders the records of a folder', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
    try {
      writeFileSync(path.join(dir, RUN_INFO_FILE), JSON.stringify(RUN));
      writeFileSync(path.join(dir, 'kernels.json'), JSON.stringify(KERNELS));
      const pageFile = path.join(dir, 'benchmarks.md');

      writePage(dir, pageFile);

      expect(loadRecords(dir).records.map((entry) => entry.step)).toEqual(['kernels']);
      expect(readFileSync(pageFile, 'utf8')).toContain('| wasm (SIMD, 1 thread) | 256x256 | 1 | 10 |');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('missing run file raises an error', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
    try {
      expect(() => loadRecords(dir)).toThrow(`${path.join(dir, RUN_INFO_FILE)} not found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('formatRate', () => {
  it.each([
    [36.412, '36.41'],
    [0.13, '0.13'],
    [0.003711, '0.0037'],
    [0, '0'],
    [null, '-'],
  ])('formats %p as %p', (value, expected) => {
    expect(formatRate(value)).toBe(expected);
  });
});

/**
 * Writes docs/benchmarks.md from the JSON records in docs/benchmarks/, so the page can be
 * re-rendered without rerunning anything.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { blocks } from './format';
import { renderApiLatency, renderEmbedding, renderEmbeddingWrites, renderHeader, renderKernels, renderRetrieval, renderTraining } from './sections';
import type { BenchRecord, RunInfo } from './types';

/** File in the records folder that describes the invocation, next to one file per step. */
export const RUN_INFO_FILE = 'run.json';

/** Reads the run description and every step record of a records folder. */
export function loadRecords(recordsDir: string): { run: RunInfo; records: BenchRecord[] } {
  const runFile = path.join(recordsDir, RUN_INFO_FILE);
  if (!existsSync(runFile)) {
    throw new Error(`${runFile} not found; run \`npm run bench\` (or \`npm run bench -- --quick\`) first.`);
  }
  const run = JSON.parse(readFileSync(runFile, 'utf8')) as RunInfo;
  const records = readdirSync(recordsDir)
    .filter((name) => name.endsWith('.json') && name !== RUN_INFO_FILE)
    .sort()
    .map((name) => JSON.parse(readFileSync(path.join(recordsDir, name), 'utf8')) as BenchRecord);
  return { run, records };
}

/** Renders the whole page from the run description and the step records. */
export function renderPage(run: RunInfo, records: readonly BenchRecord[]): string {
  const of = (benchmark: string) => records.filter((record) => record.benchmark === benchmark);
  const kernels = of('kernels');
  return `${blocks(
    renderHeader(run),
    renderTraining(of('train-throughput'), kernels),
    renderEmbedding(of('embed-throughput'), kernels),
    renderKernels(kernels),
    renderEmbeddingWrites(of('embeddings-write')),
    renderApiLatency(of('api-latency')),
    renderRetrieval(of('retrieval-quality')),
  )}\n`;
}

/** Renders the records of `recordsDir` into `pageFile`. */
export function writePage(recordsDir: string, pageFile: string): void {
  const { run, records } = loadRecords(recordsDir);
  writeFileSync(pageFile, renderPage(run, records));
}

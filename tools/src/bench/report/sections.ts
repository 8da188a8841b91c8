/**
 * One renderer per section of docs/benchmarks.md. Each takes the records of its benchmark and
 * returns markdown: the table, the commands that produced it, and what limits each figure.
 */
import { flopsPerImage, type PresetName } from '@dim/dim-model';

import { blocks, commandsBlock, formatNumber, formatPercent, formatRate, problems, provenance, table } from './format';
import type { ApiLatencyOutput, BackendSummary, BenchRecord, EmbeddingsWriteOutput, KernelsOutput, RetrievalOutput, RunInfo, ThroughputOutput, TrainedRunInfo } from './types';

/** The API may add at most half of the SQL time on top of it. */
export const MAX_API_OVER_SQL = 1.5;

/** Returns the outputs of the records that succeeded, typed as the script `T` prints them. */
function okResults<T>(records: readonly BenchRecord[]): T[] {
  return records.filter((record) => record.status === 'ok' && record.result != null).map((record) => record.result as T);
}

function backendLabel(backend: BackendSummary): string {
  if (backend.name !== 'wasm') return backend.name;
  return `wasm (${backend.simd ? 'SIMD' : 'no SIMD'}, ${backend.threads ?? 1} thread${backend.threads === 1 ? '' : 's'})`;
}

/** Returns the best matMul GFLOP/s each backend reached in the kernels benchmark. */
export function matMulPeaks(kernelRecords: readonly BenchRecord[]): Map<string, { gflops: number; size: number }> {
  const peaks = new Map<string, { gflops: number; size: number }>();
  for (const result of okResults<KernelsOutput>(kernelRecords)) {
    for (const entry of result.results ?? []) {
      for (const matMul of entry.matMul ?? []) {
        const previous = peaks.get(entry.backend.name);
        if (previous == null || matMul.gflops > previous.gflops) peaks.set(entry.backend.name, { gflops: matMul.gflops, size: matMul.size });
      }
    }
  }
  return peaks;
}

function describePostgres(run: RunInfo): string {
  if (run.postgres == null) return 'not used by this invocation';
  if (run.postgres.source === 'skipped') return `skipped: ${run.postgres.reason}`;
  return `${run.postgres.version ?? 'unknown version'} (${run.postgres.source})`;
}

export function renderHeader(run: RunInfo): string {
  const { machine } = run;
  const label = run.quick
    ? '> **Quick, provisional run.** `--quick` shrinks every benchmark (fewer images, rows, queries and seconds) to check the pipeline, and this one ran on a machine shared with other jobs. Do not quote these figures. Rerun `npm run bench` on a quiet machine for the real ones.'
    : '> Full run. Wall-clock figures depend on the load average listed with each table.';
  return blocks(
    '# Benchmarks',
    label,
    `Last written by \`${run.command}\` (tools/src/bench/run-all.ts), started ${run.date}. A table from an earlier invocation (\`--only\` reruns some steps) keeps its own command and start time, listed under it. The raw JSON of each step is in [docs/benchmarks/](benchmarks/), and \`npm run bench -- --render-only\` rewrites this page from it.`,
    table(
      ['Machine', 'Value'],
      [
        ['CPU', machine.cpuModel],
        ['Cores', String(machine.cores)],
        ['Memory', `${formatNumber(machine.memoryGiB, 1)} GiB`],
        ['Node', machine.node],
        ['Load average at start (1, 5, 15 min)', machine.loadAverage.map((value) => value.toFixed(2)).join(', ')],
        ['PostgreSQL', describePostgres(run)],
      ],
    ),
  );
}

export function renderKernels(records: readonly BenchRecord[]): string {
  const rows: string[][] = [];
  const convRows: string[][] = [];
  for (const result of okResults<KernelsOutput>(records)) {
    for (const entry of result.results ?? []) {
      const label = backendLabel(entry.backend);
      for (const matMul of entry.matMul ?? []) rows.push([label, `${matMul.size}x${matMul.size}`, formatNumber(matMul.ms, 1), formatNumber(matMul.gflops, 2)]);
      for (const conv of entry.conv ?? []) {
        convRows.push([label, conv.layer, formatNumber(conv.forwardGflops, 2), formatNumber(conv.filterGradientGflops, 2), formatNumber(conv.inputGradientGflops, 2)]);
      }
    }
  }
  return blocks(
    '## Kernels',
    'Matrix multiply of two square float32 matrices, and conv2d layers of the encoder presets at batch 8. GFLOP/s counts a multiply-add as 2 FLOP. The best matMul figure of each backend is the reference for the throughput shares above. A share above 100% means the model\'s kernels beat that backend\'s matMul, as the cpu backend\'s conv2d does.',
    rows.length > 0 && table(['Backend', 'matMul', 'ms', 'GFLOP/s'], rows, ['l', 'l', 'r', 'r']),
    convRows.length > 0 && table(['Backend', 'conv2d layer', 'forward GFLOP/s', 'filter gradient GFLOP/s', 'input gradient GFLOP/s'], convRows, ['l', 'l', 'r', 'r', 'r']),
    "**Limits.** The WASM backend (tfjs-backend-wasm 4.22) computes on one thread here, so one core bounds every WASM figure. It runs Conv2D and MatMul through XNNPACK. On WASM this project computes both conv2d gradients as forward convolutions and matrix products (libs/dim-model/src/ops/conv2d_grad.ts), because the stock backend has no Conv2DBackpropFilter and a slow Conv2DBackpropInput; the gradient columns show what that reaches. The pure JavaScript `cpu` backend is about two orders of magnitude slower and is only a fallback. **What would move it:** @tensorflow/tfjs-node (libtensorflow, multi-threaded) or tfjs-node-gpu, neither installed on this machine; the same scripts measure them when they are.",
    commandsBlock(records),
    provenance(records),
    problems(records),
  );
}

/** Renders a throughput table: images/s, the FLOP rate that implies, and its share of the backend's matMul peak. */
function throughputTable(results: ThroughputOutput[], peaks: Map<string, { gflops: number }>, flopsOf: (preset: PresetName) => number): string {
  const rows: string[][] = [];
  for (const result of results) {
    for (const entry of result.results ?? []) {
      const flops = flopsOf(entry.preset);
      const gflops = (entry.imagesPerSecond * flops) / 1e9;
      const workers = entry.workers ?? 1;
      // Each worker computes on its own thread, so N workers are compared with N times the one-thread matMul rate.
      const singlePeak = peaks.get(entry.backend.name)?.gflops;
      const peak = singlePeak == null ? undefined : singlePeak * workers;
      rows.push([
        backendLabel(entry.backend),
        entry.preset,
        String(entry.batch),
        String(workers),
        formatRate(entry.imagesPerSecond, 2),
        formatRate(entry.imagesPerCpuSecond, 2),
        formatNumber(flops / 1e9, 3),
        formatNumber(gflops, 2),
        formatNumber(peak, 2),
        peak == null ? '-' : formatPercent(gflops / peak),
      ]);
    }
  }
  return table(
    ['Backend', 'Preset', 'Batch', 'Workers', 'Images/s', 'Images per CPU s', 'GFLOP per image', 'GFLOP/s', 'matMul GFLOP/s (x workers)', 'Share of matMul'],
    rows,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
}

const FLOP_CONVENTION =
  'FLOPs per image come from `flopsPerImage(preset)` of @dim/dim-model: multiply-adds of convolutions and matrix products count 2 FLOP each, and biases, batch norm, activations and losses (under 1%) are left out.';

export function renderTraining(records: readonly BenchRecord[], kernelRecords: readonly BenchRecord[]): string {
  const results = okResults<ThroughputOutput>(records);
  return blocks(
    '## Training throughput',
    `Training steps of random 32x32x3 images through the library's \`trainStep\` (encoder, local, global and prior discriminators, both Adam updates). ${FLOP_CONVENTION} A training step counts as 3x the forward pass of the encoder and discriminators (\`trainingStep\`), because a backward pass costs about twice its forward pass. "Images per CPU s" divides by this process's CPU time, which estimates a single-threaded backend's rate on an idle core better than wall time on a loaded machine.`,
    results.length > 0 && throughputTable(results, matMulPeaks(kernelRecords), (preset) => flopsPerImage(preset).trainingStep),
    '**Limits.** On WASM one thread bounds the step, and most of its FLOPs are convolution gradients (compare their GFLOP/s with matMul under Kernels). Batch norm, activations, the transposes around gradient matrix products and the many small kernels of a step cost time that the FLOP count ignores. The largest batch is bounded by the 4 GiB WASM heap (tools/src/bench/wasm-max-batch.ts measures it). **What would move it:** a native backend (tfjs-node, tfjs-node-gpu), a threaded WASM build, or faster gradient kernels; a larger batch only helps while the heap holds it.',
    commandsBlock(records),
    provenance(records),
    problems(records),
  );
}

export function renderEmbedding(records: readonly BenchRecord[], kernelRecords: readonly BenchRecord[]): string {
  const results = okResults<ThroughputOutput>(records);
  return blocks(
    '## Embedding (inference) throughput',
    `Embeddings of random 32x32x3 images through the library's \`embed\` (encoder only, batch norm with moving statistics), including the download of the result to JavaScript. ${FLOP_CONVENTION} An embedding counts the encoder's forward pass (\`encoderForward\`).`,
    results.length > 0 && throughputTable(results, matMulPeaks(kernelRecords), (preset) => flopsPerImage(preset).encoderForward),
    '**Limits.** The forward pass runs the backend\'s own conv2d (XNNPACK on WASM) with no gradients or discriminators, so it should reach a larger share of matMul than training. One WASM thread bounds it here. **What would move it:** a native or GPU backend; on WASM, larger batches until the heap or cache limits are reached.',
    commandsBlock(records),
    provenance(records),
    problems(records),
  );
}

export function renderEmbeddingWrites(records: readonly BenchRecord[]): string {
  const rows: string[][] = [];
  const queryRows: string[][] = [];
  for (const result of okResults<EmbeddingsWriteOutput>(records)) {
    const ratio = result.write.totalMs / result.plainCopy.ms;
    rows.push([
      `${result.database} (${result.server}, pgvector ${result.pgvector})`,
      formatNumber(result.rows, 0),
      String(result.dim),
      result.write.method,
      formatNumber(result.write.loadMs / 1000, 2),
      formatNumber(result.write.indexMs / 1000, 2),
      formatNumber(result.write.totalMs / 1000, 2),
      formatNumber(result.write.totalRowsPerSecond, 0),
      formatNumber(result.plainCopy.ms / 1000, 2),
      formatNumber(result.plainCopy.rowsPerSecond, 0),
      `${formatNumber(ratio, 2)}x`,
    ]);
    const latency = result.queries.medianLatencyMs;
    queryRows.push([
      result.database,
      formatNumber(result.queries.recallAt10, 3),
      result.queries.autoPlanUsesIndex ? 'HNSW index' : 'exact scan',
      formatNumber(latency.nearestAutoK10, 2),
      formatNumber(latency.nearestIndexK10, 2),
      formatNumber(latency.nearestExactK10, 2),
      formatNumber(latency.farthestK10, 2),
    ]);
  }
  return blocks(
    '## Writing embeddings',
    "`writeRunEmbeddings` (bulk load, HNSW index with m = 16 and ef_construction = 128, run marked completed, in one transaction) against a plain COPY of the same rows into the same table. Embeddings are synthetic, one Gaussian cluster per class. The PGlite baseline is `COPY FROM '/dev/blob'` inside an in-process PGlite, because PGlite's wire-protocol bridge does not support COPY FROM STDIN.",
    rows.length > 0 &&
      table(
        ['Database', 'Rows', 'Dim', 'Method', 'Load (s)', 'Index (s)', 'Write total (s)', 'Rows/s', 'Plain COPY (s)', 'COPY rows/s', 'Write / COPY'],
        rows,
        ['l', 'r', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
    queryRows.length > 0 &&
      table(['Database', 'HNSW recall@10', 'Auto plan', 'nearest auto p50 (ms)', 'nearest index p50 (ms)', 'nearest exact p50 (ms)', 'farthest p50 (ms)'], queryRows, ['l', 'r', 'l', 'r', 'r', 'r', 'r']),
    '**Limits.** The write time is mostly the HNSW build, which the plain COPY does not do, so "Write / COPY" is the price of a searchable run. PGlite is one PostgreSQL backend compiled to WASM in the Node process: one query at a time, one thread for the load and the index build. On PostgreSQL the build is bounded by `maintenance_work_mem` (256 MB in the write) and can use parallel maintenance workers. **What would move it:** a lower ef_construction (faster build, lower recall, see prisma/src/embeddings/write.ts), more `maintenance_work_mem` and `max_parallel_maintenance_workers` on PostgreSQL, or more cores.',
    commandsBlock(records),
    provenance(records),
    problems(records),
  );
}

export function renderApiLatency(records: readonly BenchRecord[]): string {
  const rows: string[][] = [];
  for (const record of records) {
    if (record.status !== 'ok' || record.result == null) continue;
    const result = record.result as ApiLatencyOutput;
    const database = record.context?.database ?? (result.database?.embedded ? 'pglite' : 'postgresql');
    for (const entry of result.results ?? []) {
      const withinLimit = entry.apiOverSqlP50 <= MAX_API_OVER_SQL && entry.apiOverSqlP99 <= MAX_API_OVER_SQL;
      rows.push([
        database,
        formatNumber(entry.size, 0),
        entry.source,
        entry.order === 'nearest' ? 'similar' : 'dissimilar',
        formatNumber(entry.sql.p50Ms, 2),
        formatNumber(entry.sql.p99Ms, 2),
        formatNumber(entry.api.p50Ms, 2),
        formatNumber(entry.api.p99Ms, 2),
        formatNumber(entry.apiOverSqlP50, 2),
        formatNumber(entry.apiOverSqlP99, 2),
        withinLimit ? 'yes' : '**no**',
        `${entry.matchingResults}`,
      ]);
    }
  }
  const queries = okResults<ApiLatencyOutput>(records)[0]?.settings?.queries;
  const serverSettings = records.flatMap((record) => {
    const settings = record.status === 'ok' ? (record.result as ApiLatencyOutput | undefined)?.database?.settings : undefined;
    if (settings == null || Object.keys(settings).length === 0) return [];
    const database = record.context?.database ?? 'database';
    const listed = Object.entries(settings)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => `\`${name}\` ${value}`)
      .join(', ');
    return [`- ${database} server settings: ${listed}.`];
  });
  const runWrites = records.flatMap((record) => {
    if (record.status !== 'ok') return [];
    const database = record.context?.database ?? 'database';
    const sizes = new Map<number, NonNullable<ApiLatencyOutput['results'][number]['write']>>();
    for (const entry of (record.result as ApiLatencyOutput | undefined)?.results ?? []) {
      if (entry.write != null) sizes.set(entry.size, entry.write);
    }
    return [...sizes].map(([size, write]) => {
      const load = write.loadAverage1m == null ? '' : `, load average ${write.loadAverage1m}`;
      return `- ${database}, ${formatNumber(size, 0)} embeddings: run written in ${formatNumber(write.totalSeconds, 1)} s, of which ${formatNumber(write.rowsSeconds, 1)} s for the rows and ${formatNumber(write.indexSeconds, 1)} s for the HNSW index (${write.writtenAt.slice(0, 10)}${load}).`;
    });
  });
  return blocks(
    '## Similar and dissimilar latency',
    `Each query asks for the k = 10 nearest (similar) or farthest (dissimilar) images of one image, ${queries ?? 'N'} measured queries per row after a warm-up. "SQL" is \`findNeighbours\` of @dim/db called in the benchmark process; "API" is the same query through GraphQL over HTTP on 127.0.0.1, with the image lookups a dashboard view requests. The API may add at most half of the SQL time (API / SQL at most ${MAX_API_OVER_SQL}). Sizes up to 60,000 use CIFAR-10 images with a fixed random projection as embeddings; larger sizes use synthetic clusters. "Same ids" counts queries where both returned the same neighbours.`,
    rows.length > 0 &&
      table(
        ['Database', 'Embeddings', 'Images', 'Query', 'SQL p50 (ms)', 'SQL p99 (ms)', 'API p50 (ms)', 'API p99 (ms)', 'API/SQL p50', 'API/SQL p99', `Within ${MAX_API_OVER_SQL}x`, 'Same ids'],
        rows,
        ['l', 'r', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r'],
      ),
    serverSettings.length > 0 && serverSettings.join('\n'),
    runWrites.length > 0 && ['Writing each size\'s run (images, embeddings and index) before the first measurement, kept for later invocations:', ...runWrites].join('\n'),
    '**Limits.** Similar queries use the run\'s HNSW index, so their time grows slowly with the run size and depends on `hnsw.ef_search` (max(400, k + 50) here, prisma/src/neighbours.ts). At 1,000,000 embeddings of 64 dimensions the vectors alone take 256 MB, more than the default `shared_buffers` of 128 MB, so index pages come from the operating system\'s cache. Dissimilar queries are an exact scan, O(n·d) per query: pgvector has no index for farthest neighbours, so at 1,000,000 embeddings they cost a full pass over the run, which PostgreSQL splits over parallel workers. On PGlite every query, the API\'s included, goes through one backend, so they queue behind each other. The API adds HTTP, JSON parsing and GraphQL execution, 1.4 to 1.9 ms a request at 60,000 embeddings on a quiet machine, so its share shrinks as the SQL time grows. At 1,000,000 embeddings the similar queries vary more from one image to the next (p99 about three times p50), so their p50 ratio is the noisiest figure here. The client is node:http with a keep-alive connection, because Node\'s fetch took longer per request in the client. **What would move it:** a lower ef_search (faster, lower recall), and a `shared_buffers` that contains the index. findNeighbours sends 9 statements in one transaction, and fewer round trips would help. Dissimilar queries would gain from more cores for their parallel scans or from a precomputed farthest set. A quiet machine steadies the p99.',
    commandsBlock(records),
    provenance(records),
    problems(records),
  );
}

/** Describes the trained run: checkpoint, preset, epochs, training time and its config.json. */
function describeTrainedRun(trained: TrainedRunInfo): string {
  const source = trained.runDir ? `Checkpoint \`${trained.checkpointDir}\` of run folder \`${trained.runDir}\`` : `Checkpoint \`${trained.checkpointDir}\``;
  const imagesPerEpoch = trained.imagesPerEpoch == null ? 'an unknown number of' : formatNumber(trained.imagesPerEpoch, 0);
  let trainingTime = 'unknown (no metrics.json next to the checkpoint)';
  if (trained.trainingSeconds != null) {
    const rates = trained.epochImagesPerSecond?.map((rate) => formatNumber(rate, 1));
    const perEpoch = rates != null && rates.length > 0 ? `, at ${rates.join(', ')} images/s epoch by epoch` : '';
    trainingTime = `${formatNumber(trained.trainingSeconds, 0)} s (sum of the epochs in metrics.json${perEpoch})`;
  }
  const backend = trained.backend ? ` on ${trained.backend}` : '';
  const summary = `**Trained run.** ${source}: preset ${trained.preset ?? 'unknown'}, embedding dim ${trained.embeddingDim ?? 'unknown'}, ${trained.epochs ?? 'unknown'} epoch(s) of ${imagesPerEpoch} images, training time ${trainingTime}${backend}. Its configuration:`;
  return blocks(summary, trained.config != null && ['```json', JSON.stringify(trained.config, null, 2), '```'].join('\n'));
}

export function renderRetrieval(records: readonly BenchRecord[]): string {
  const rows: string[][] = [];
  let trainedRow = false;
  const record = records.find((candidate) => candidate.status === 'ok');
  const result = record?.result as RetrievalOutput | undefined;
  for (const row of result?.rows ?? []) {
    if (row.representation.startsWith('trained')) trainedRow = true;
    rows.push([
      row.representation,
      String(row.dim),
      row.metrics.knn20Accuracy.toFixed(4),
      row.metrics.knn200Accuracy.toFixed(4),
      row.metrics.precisionAt10.toFixed(4),
      formatNumber(row.evaluationSeconds, 1),
      formatNumber(row.evaluationCpuSeconds, 1),
    ]);
  }
  const trainCommand = records.find((candidate) => candidate.context?.trainCommand != null)?.context?.trainCommand;
  if (result != null && !trainedRow) {
    rows.push(['trained', '-', '-', '-', '-', '-', '-']);
  }

  const trained = records.find((candidate) => candidate.context?.trainedRun != null)?.context?.trainedRun;
  let trainedText: string | undefined;
  if (trained != null) {
    trainedText = describeTrainedRun(trained);
  } else if (trainCommand != null) {
    trainedText = `**Trained row.** No \`--checkpoint\` was given, so there is no trained row. Train one with \`${trainCommand}\` and rerun with \`npm run bench -- --only=retrieval-quality --checkpoint runs/paper-cifar10\`.`;
  }

  const subset = result == null ? '' : ` This run searched ${formatNumber(result.testImages, 0)} test images in ${formatNumber(result.trainImages, 0)} train images.`;
  return blocks(
    '## Retrieval quality',
    `CIFAR-10 test images searched in the train images by L2 distance: kNN classification accuracy at k = 20 and 200 and precision@10 (share of the 10 nearest train images with the query's label). Chance is 0.10 for all three.${subset}`,
    rows.length > 0 && table(['Representation', 'Dim', 'kNN@20', 'kNN@200', 'P@10', 'Search wall (s)', 'Search CPU (s)'], rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r']),
    trainedText,
    '**Limits.** The search is exact and brute force, O(test · train · d), so raw pixels (d = 3,072) cost 48 times the arithmetic of 64-dimensional embeddings. Metrics on a `--quick` subset are noisier and lower than on the full split, because each query has fewer train images to find neighbours among. **What would move it:** for quality, longer training and the `reference` preset; for time, a native backend for the embeddings and fewer dimensions for the search.',
    commandsBlock(records),
    provenance(records),
    problems(records),
  );
}

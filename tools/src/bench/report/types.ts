/** Machine facts recorded once per `npm run bench` invocation. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  /** 1, 5 and 15 minute load averages when the invocation started. */
  loadAverage: [number, number, number];
}

/** Source of the server for the PostgreSQL steps, or the reason they were skipped. */
export interface PostgresInfo {
  source: 'DATABASE_URL_PG' | 'throw-away server' | 'skipped';
  /** Server version string; absent when skipped. */
  version?: string;
  reason?: string;
}

/** The invocation that last wrote docs/benchmarks/run.json. */
export interface RunInfo {
  date: string;
  quick: boolean;
  /** Command line as typed, e.g. `npm run bench -- --quick`. */
  command: string;
  steps: string[];
  machine: MachineInfo;
  postgres?: PostgresInfo;
}

/** Configuration and training time of the run behind `--checkpoint`. */
export interface TrainedRunInfo {
  checkpointDir: string;
  runDir?: string;
  preset?: string;
  embeddingDim?: number;
  /** `config.json` of the run folder, or the model config of the checkpoint when there is none. */
  config?: unknown;
  epochs?: number;
  /** Images in one epoch, from the first epoch of `metrics.json`. */
  imagesPerEpoch?: number;
  /** Sum of the epochs' seconds in `metrics.json`; absent without a run folder. */
  trainingSeconds?: number;
  /** Training throughput of each epoch in `metrics.json`, which shows whether the machine was shared. */
  epochImagesPerSecond?: number[];
  backend?: string;
}

/** One benchmark script's invocation and its parsed JSON output, stored as docs/benchmarks/<step>.json. */
export interface BenchRecord {
  /** File name stem, unique per invocation kind, e.g. `train-throughput-cpu`. */
  step: string;
  /** Script that produced the result, e.g. `train-throughput`. */
  benchmark: string;
  /** Shell command that reproduces the result, from the repository root. */
  command: string;
  startedAt: string;
  seconds: number;
  /** 1-minute load average when the step started. */
  loadAverage1m: number;
  quick: boolean;
  status: 'ok' | 'failed' | 'skipped';
  /** Reason the step failed or was skipped, with the end of its stderr for failures. */
  reason?: string;
  /** The script's stdout JSON document; the *Output types below describe the fields the page uses. */
  result?: unknown;
  /** Facts the renderer needs besides the script output, e.g. the database kind or the trained run. */
  context?: {
    database?: 'pglite' | 'postgresql';
    trainedRun?: TrainedRunInfo;
    /** Command that trains a checkpoint, shown when no --checkpoint was given. */
    trainCommand?: string;
  };
}

// Fields of each script's JSON output that the renderer reads. The scripts print more.

export interface BackendSummary {
  name: string;
  simd?: boolean;
  threads?: number;
}

export interface KernelsOutput {
  results: {
    backend: BackendSummary;
    matMul: { size: number; ms: number; gflops: number }[];
    conv: { layer: string; forwardGflops: number; filterGradientGflops: number; inputGradientGflops: number }[];
  }[];
}

/** Output of train-throughput.ts and embed-throughput.ts. */
export interface ThroughputOutput {
  results: {
    backend: BackendSummary;
    preset: 'paper' | 'reference';
    batch: number;
    /** Data-parallel replica threads of train-throughput's --workers; absent means 1. */
    workers?: number;
    imagesPerSecond: number;
    imagesPerCpuSecond: number;
  }[];
}

export interface EmbeddingsWriteOutput {
  database: 'pglite' | 'postgresql';
  server: string;
  pgvector: string;
  rows: number;
  dim: number;
  write: { method: string; loadMs: number; indexMs: number; totalMs: number; totalRowsPerSecond: number };
  plainCopy: { ms: number; rowsPerSecond: number };
  queries: { recallAt10: number; autoPlanUsesIndex: boolean; medianLatencyMs: Record<string, number> };
}

export interface LatencySummary {
  p50Ms: number;
  p99Ms: number;
}

export interface ApiLatencyOutput {
  /** settings: server settings that move latency (shared_buffers, jit, ...), by name. */
  database: { embedded: boolean; version?: string; settings?: Record<string, string> };
  settings: { queries: number; k: number };
  results: {
    size: number;
    source: string;
    order: 'nearest' | 'farthest';
    sql: LatencySummary;
    api: LatencySummary;
    apiOverSqlP50: number;
    apiOverSqlP99: number;
    matchingResults: number;
    /** Timings of writing the size's run; absent in records from before they were kept. */
    write?: { totalSeconds: number; rowsSeconds: number; indexSeconds: number; writtenAt: string; loadAverage1m?: number };
  }[];
}

export interface RetrievalOutput {
  testImages: number;
  trainImages: number;
  rows: {
    representation: string;
    dim: number;
    metrics: { knn20Accuracy: number; knn200Accuracy: number; precisionAt10: number };
    evaluationSeconds: number;
    evaluationCpuSeconds: number;
  }[];
}

import type { RetrievalMetrics, RunProgress, TrainingConfig } from '../types/training-run.type';

/**
 * Parsers for the JSON columns of training_runs. The worker writes `progress` and
 * `retrieval`, and startTraining writes `config`, so the API checks each field's type
 * instead of trusting the column. A malformed value raises an Error, which the API logs and
 * masks as INTERNAL_SERVER_ERROR on that field only.
 */

type JsonObject = Record<string, unknown>;

/** Column values of the run row that back up fields a config written elsewhere may lack. */
export interface ConfigFallbacks {
  datasetName: string;
  preset: string;
  embeddingDim: number;
  backend: string | null;
}

export function parseTrainingConfig(runId: number, json: unknown, fallbacks: ConfigFallbacks): TrainingConfig {
  const config = requireObject(json, `run ${runId} config`);
  const read = new FieldReader(config, `run ${runId} config`);
  return {
    datasetName: read.optionalString('datasetName') ?? fallbacks.datasetName,
    preset: read.optionalString('preset') ?? fallbacks.preset,
    epochs: read.integer('epochs'),
    batchSize: read.integer('batchSize'),
    learningRate: read.number('learningRate'),
    alpha: read.number('alpha'),
    beta: read.number('beta'),
    gamma: read.number('gamma'),
    embeddingDim: read.optionalInteger('embeddingDim') ?? fallbacks.embeddingDim,
    subsetSize: read.optionalInteger('subsetSize'),
    seed: read.integer('seed'),
    checkpointEvery: read.integer('checkpointEvery'),
    backend: read.optionalString('backend') ?? fallbacks.backend,
  };
}

export function parseRunProgress(runId: number, json: unknown): RunProgress | null {
  if (json === null || json === undefined) return null;
  const read = new FieldReader(requireObject(json, `run ${runId} progress`), `run ${runId} progress`);
  return {
    epoch: read.integer('epoch'),
    epochs: read.integer('epochs'),
    step: read.integer('step'),
    stepsPerEpoch: read.integer('stepsPerEpoch'),
    fraction: read.number('fraction'),
    totalLoss: read.optionalNumber('totalLoss'),
    localLoss: read.optionalNumber('localLoss'),
    globalLoss: read.optionalNumber('globalLoss'),
    priorLoss: read.optionalNumber('priorLoss'),
    imagesPerSecond: read.optionalNumber('imagesPerSecond'),
    etaSeconds: read.optionalNumber('etaSeconds'),
    updatedAt: read.date('updatedAt'),
  };
}

/**
 * Parses the retrieval metrics. The worker computes them when the run finishes, so a record
 * without computedAt takes `finishedAt` in its place.
 */
export function parseRetrievalMetrics(runId: number, json: unknown, finishedAt: Date | null): RetrievalMetrics | null {
  if (json === null || json === undefined) return null;
  const read = new FieldReader(requireObject(json, `run ${runId} retrieval`), `run ${runId} retrieval`);
  return {
    knn20Accuracy: read.number('knn20Accuracy'),
    knn200Accuracy: read.number('knn200Accuracy'),
    precisionAt10: read.number('precisionAt10'),
    computedAt: read.optionalDate('computedAt') ?? finishedAt ?? read.date('computedAt'),
  };
}

function requireObject(json: unknown, source: string): JsonObject {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`Invalid ${source}: expected a JSON object, got ${JSON.stringify(json)}`);
  }
  return json as JsonObject;
}

class FieldReader {
  constructor(
    private readonly object: JsonObject,
    private readonly source: string,
  ) {}

  number(key: string): number {
    const value = this.optionalNumber(key);
    if (value === null) throw this.invalid(key, 'a finite number');
    return value;
  }

  optionalNumber(key: string): number | null {
    const value = this.object[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw this.invalid(key, 'a finite number');
    return value;
  }

  integer(key: string): number {
    const value = this.optionalInteger(key);
    if (value === null) throw this.invalid(key, 'an integer');
    return value;
  }

  optionalInteger(key: string): number | null {
    const value = this.optionalNumber(key);
    if (value !== null && !Number.isInteger(value)) throw this.invalid(key, 'an integer');
    return value;
  }

  optionalString(key: string): string | null {
    const value = this.object[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw this.invalid(key, 'a string');
    return value;
  }

  /** Reads an ISO 8601 string or epoch milliseconds. */
  date(key: string): Date {
    const value = this.optionalDate(key);
    if (value === null) throw this.invalid(key, 'an ISO 8601 date');
    return value;
  }

  optionalDate(key: string): Date | null {
    const value = this.object[key];
    if (value === undefined || value === null) return null;
    const date = typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) throw this.invalid(key, 'an ISO 8601 date');
    return date;
  }

  private invalid(key: string, expected: string): Error {
    return new Error(`Invalid ${this.source}: ${key} must be ${expected}, got ${JSON.stringify(this.object[key])}`);
  }
}

import { parseRetrievalMetrics, parseRunProgress, parseTrainingConfig } from '../../src/mappers/run-json.mapper';

const FALLBACKS = { datasetName: 'cifar10', preset: 'paper', embeddingDim: 64, backend: null };
const CONFIG = {
  datasetName: 'cifar10',
  preset: 'reference',
  epochs: 3,
  batchSize: 32,
  learningRate: 0.001,
  alpha: 0.5,
  beta: 1,
  gamma: 0.1,
  embeddingDim: 128,
  subsetSize: 1000,
  seed: 7,
  checkpointEvery: 1,
  backend: 'wasm',
};

describe('parseTrainingConfig', () => {
  it('reads a config stored by startTraining', () => {
    expect(parseTrainingConfig(1, CONFIG, FALLBACKS)).toEqual(CONFIG);
  });

  it('takes missing names from the run row', () => {
    const { datasetName: _d, preset: _p, embeddingDim: _e, backend: _b, ...rest } = CONFIG;
    expect(parseTrainingConfig(1, rest, FALLBACKS)).toEqual({ ...rest, ...FALLBACKS });
  });

  it.each([
    [null, 'expected a JSON object'],
    [[1, 2], 'expected a JSON object'],
    [{ ...CONFIG, epochs: 'many' }, 'epochs must be a finite number, got "many"'],
    [{ ...CONFIG, epochs: 2.5 }, 'epochs must be an integer, got 2.5'],
    [{ ...CONFIG, seed: undefined }, 'seed must be an integer'],
    [{ ...CONFIG, backend: 3 }, 'backend must be a string, got 3'],
  ])('rejects %p', (json, message) => {
    expect(() => parseTrainingConfig(4, json, FALLBACKS)).toThrow(`Invalid run 4 config`);
    expect(() => parseTrainingConfig(4, json, FALLBACKS)).toThrow(message);
  });
});

describe('parseRunProgress', () => {
  it('reads the worker record with its optional losses', () => {
    const record = { phase: 'training', epoch: 2, epochs: 5, step: 10, stepsPerEpoch: 40, fraction: 0.3, totalLoss: 1.2, updatedAt: '2026-01-01T00:00:00.000Z' };
    expect(parseRunProgress(1, record)).toEqual({
      epoch: 2,
      epochs: 5,
      step: 10,
      stepsPerEpoch: 40,
      fraction: 0.3,
      totalLoss: 1.2,
      localLoss: null,
      globalLoss: null,
      priorLoss: null,
      imagesPerSecond: null,
      etaSeconds: null,
      updatedAt: new Date('2026-01-01T00:00:00.000Z'),
    });
  });

  it('returns null without a record', () => {
    expect(parseRunProgress(1, null)).toBeNull();
  });

  it('rejects an invalid updatedAt', () => {
    const record = { epoch: 1, epochs: 1, step: 0, stepsPerEpoch: 1, fraction: 0, updatedAt: 'yesterday' };
    expect(() => parseRunProgress(1, record)).toThrow('updatedAt must be an ISO 8601 date, got "yesterday"');
  });
});

describe('parseRetrievalMetrics', () => {
  const metrics = { knn20Accuracy: 0.5, knn200Accuracy: 0.45, precisionAt10: 0.4 };
  const finishedAt = new Date('2026-02-03T04:05:06.000Z');

  it('reads computedAt when present', () => {
    const computedAt = '2026-02-03T05:00:00.000Z';
    expect(parseRetrievalMetrics(1, { ...metrics, computedAt }, finishedAt)?.computedAt).toEqual(new Date(computedAt));
  });

  it('falls back to the finish time', () => {
    expect(parseRetrievalMetrics(1, metrics, finishedAt)).toEqual({ ...metrics, computedAt: finishedAt });
  });

  it('rejects a record without any time', () => {
    expect(() => parseRetrievalMetrics(1, metrics, null)).toThrow('computedAt must be an ISO 8601 date');
  });
});

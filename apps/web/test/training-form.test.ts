import {
  toStartTrainingInput,
  TRAINING_DEFAULTS,
  TRAINING_FIELD_TEXT,
  TRAINING_FIELDS,
  validateTrainingForm,
  type TrainingFormValues,
} from '../lib/training-form';

const context = { datasetNames: ['cifar10', 'fashion-mnist'], trainCount: 50_000 };

function withValues(changes: Partial<TrainingFormValues>): TrainingFormValues {
  return { ...TRAINING_DEFAULTS, ...changes };
}

describe('validateTrainingForm', () => {
  it('accepts the defaults', () => {
    expect(validateTrainingForm(TRAINING_DEFAULTS, context)).toEqual({});
  });

  it.each([
    [{ epochs: '' }, 'epochs', 'Required.'],
    [{ epochs: '0' }, 'epochs', 'Must be at least 1.'],
    [{ epochs: '1.5' }, 'epochs', 'Must be a whole number, got 1.5.'],
    [{ epochs: 'ten' }, 'epochs', '"ten" is not a number.'],
    [{ batchSize: '1' }, 'batchSize', 'Must be at least 2.'],
    [{ learningRate: '0' }, 'learningRate', 'Must be greater than 0.'],
    [{ learningRate: '2' }, 'learningRate', 'Must be at most 1.'],
    [{ alpha: '-0.1' }, 'alpha', 'Must be at least 0.'],
    [{ gamma: 'Infinity' }, 'gamma', '"Infinity" is not a number.'],
    [{ embeddingDim: '0' }, 'embeddingDim', 'Must be at least 1.'],
    [{ seed: '-1' }, 'seed', 'Must be at least 0.'],
    [{ checkpointEvery: '0' }, 'checkpointEvery', 'Must be at least 1.'],
    [{ subsetSize: '0' }, 'subsetSize', 'Must be at least 1.'],
  ] as const)('rejects %p on %s', (changes, field, message) => {
    const errors = validateTrainingForm(withValues(changes), context);
    expect(errors[field]).toBe(message);
    expect(Object.keys(errors)).toEqual([field]);
  });

  it('rejects a subset larger than the train split', () => {
    const errors = validateTrainingForm(withValues({ subsetSize: '50001' }), context);
    expect(errors.subsetSize).toContain('at most 50000');
  });

  it.each([
    [{ batchSize: '1025' }, 'batchSize', 'Must be at most 1024.'],
    [{ embeddingDim: '2001' }, 'embeddingDim', 'Must be at most 2000.'],
    [{ beta: '101' }, 'beta', 'Must be at most 100.'],
    [{ seed: '2147483648' }, 'seed', 'Must be at most 2147483647.'],
    [{ epochs: '2', checkpointEvery: '3' }, 'checkpointEvery', 'Must be at most the number of epochs (2).'],
  ] as const)('rejects %p above the API limit', (changes, field, message) => {
    expect(validateTrainingForm(withValues(changes), context)).toEqual({ [field]: message });
  });

  it('rejects an unknown data set, preset and backend', () => {
    const errors = validateTrainingForm(withValues({ datasetName: 'mnist', preset: 'huge', backend: 'webgpu' }), context);
    expect(errors.datasetName).toContain('"mnist"');
    expect(errors.preset).toContain('"huge"');
    expect(errors.backend).toContain('"webgpu"');
  });

  it('requires a data set', () => {
    expect(validateTrainingForm(withValues({ datasetName: ' ' }), context).datasetName).toBe('Choose a data set.');
  });
});

describe('toStartTrainingInput', () => {
  it('converts the defaults to the schema defaults', () => {
    expect(toStartTrainingInput(TRAINING_DEFAULTS)).toEqual({
      datasetName: 'cifar10',
      preset: 'paper',
      epochs: 2,
      batchSize: 64,
      learningRate: 0.0001,
      alpha: 0.5,
      beta: 1,
      gamma: 0.1,
      embeddingDim: 64,
      subsetSize: null,
      seed: 1,
      checkpointEvery: 1,
      backend: null,
    });
  });

  it('passes a subset size and a backend', () => {
    const input = toStartTrainingInput(withValues({ subsetSize: ' 512 ', backend: 'wasm' }));
    expect(input.subsetSize).toBe(512);
    expect(input.backend).toBe('wasm');
  });
});

describe('TRAINING_FIELD_TEXT', () => {
  it('has a label and a hint for every field', () => {
    for (const field of TRAINING_FIELDS) {
      expect(TRAINING_FIELD_TEXT[field].label).not.toBe('');
      expect(TRAINING_FIELD_TEXT[field].hint).not.toBe('');
    }
  });
});

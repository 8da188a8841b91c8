import type { StartTrainingInput } from './graphql/types';

/** Every option of the startTraining mutation, in the order the form shows them. */
export const TRAINING_FIELDS = [
  'datasetName',
  'preset',
  'backend',
  'epochs',
  'batchSize',
  'learningRate',
  'alpha',
  'beta',
  'gamma',
  'embeddingDim',
  'subsetSize',
  'seed',
  'checkpointEvery',
] as const satisfies readonly (keyof StartTrainingInput)[];

export type TrainingField = (typeof TRAINING_FIELDS)[number];

/** Raw text of each input, as the user typed it. */
export type TrainingFormValues = Record<TrainingField, string>;

export type TrainingFormErrors = Partial<Record<TrainingField, string>>;

/** Defaults of StartTrainingInput in apps/api/schema.graphql; empty means "not set". */
export const TRAINING_DEFAULTS: TrainingFormValues = {
  datasetName: 'cifar10',
  preset: 'paper',
  backend: '',
  epochs: '2',
  batchSize: '64',
  learningRate: '0.0001',
  alpha: '0.5',
  beta: '1',
  gamma: '0.1',
  embeddingDim: '64',
  subsetSize: '',
  seed: '1',
  checkpointEvery: '1',
};

export interface ChoiceOption {
  value: string;
  label: string;
}

/** Encoder presets of @dim/dim-model (libs/dim-model/src/presets.ts), with their descriptions. */
export const PRESET_OPTIONS: readonly (ChoiceOption & { description: string })[] = [
  {
    value: 'paper',
    label: 'paper',
    description: 'DIM paper CIFAR-10 encoder: 4x4 stride-2 convolutions 64-128-256, then a 1024-unit dense layer.',
  },
  {
    value: 'reference',
    label: 'reference',
    description:
      'DIM PyTorch tutorial encoder: 4x4 stride-1 convolutions 64-128-256-512, about 50 times the compute of paper.',
  },
];

/**
 * TensorFlow.js backends of @dim/dim-model (BACKEND_CHOICES), which the API accepts. An
 * empty value sends null, and the worker picks the fastest available one.
 */
export const BACKEND_OPTIONS: readonly ChoiceOption[] = [
  { value: '', label: "Worker's choice" },
  { value: 'auto', label: 'auto (fastest available)' },
  { value: 'tensorflow-gpu', label: 'tensorflow-gpu (native, CUDA)' },
  { value: 'tensorflow', label: 'tensorflow (native)' },
  { value: 'wasm', label: 'wasm' },
  { value: 'cpu', label: 'cpu (plain JavaScript, slowest)' },
];

type NumberKind = 'integer' | 'number';

interface NumberRule {
  kind: NumberKind;
  /** Inclusive lower bound unless `exclusiveMin` is set. */
  min: number;
  exclusiveMin?: boolean;
  max?: number;
  optional?: boolean;
}

// Bounds a value must satisfy before the request is sent. They repeat the API's limits
// (apps/api/src/inputs/limits.ts); the API checks them again, and its message is shown
// next to the field when it rejects a value.
const NUMBER_RULES: Partial<Record<TrainingField, NumberRule>> = {
  epochs: { kind: 'integer', min: 1, max: 1000 },
  // DIM scores each image against the other images of its batch as negative samples, so a
  // batch needs at least two.
  batchSize: { kind: 'integer', min: 2, max: 1024 },
  learningRate: { kind: 'number', min: 0, exclusiveMin: true, max: 1 },
  alpha: { kind: 'number', min: 0, max: 100 },
  beta: { kind: 'number', min: 0, max: 100 },
  gamma: { kind: 'number', min: 0, max: 100 },
  // pgvector builds HNSW indexes for vectors of at most 2,000 dimensions.
  embeddingDim: { kind: 'integer', min: 1, max: 2000 },
  subsetSize: { kind: 'integer', min: 1, optional: true },
  // GraphQL Int is a signed 32-bit integer.
  seed: { kind: 'integer', min: 0, max: 2 ** 31 - 1 },
  checkpointEvery: { kind: 'integer', min: 1 },
};

/** Facts about the registered data sets that the validation checks against. */
export interface TrainingFormContext {
  datasetNames: readonly string[];
  /** Images in the chosen data set's train split, the upper bound of subsetSize. */
  trainCount?: number;
}

/** Check every field and return a message for each invalid one; an empty object means valid. */
export function validateTrainingForm(values: TrainingFormValues, context: TrainingFormContext): TrainingFormErrors {
  const errors: TrainingFormErrors = {};

  if (values.datasetName.trim() === '') {
    errors.datasetName = 'Choose a data set.';
  } else if (context.datasetNames.length > 0 && !context.datasetNames.includes(values.datasetName)) {
    errors.datasetName = `Unknown data set "${values.datasetName}": choose one of ${context.datasetNames.join(', ')}.`;
  }
  if (!PRESET_OPTIONS.some((option) => option.value === values.preset)) {
    errors.preset = `Unknown preset "${values.preset}": choose one of ${PRESET_OPTIONS.map((o) => o.value).join(', ')}.`;
  }
  if (!BACKEND_OPTIONS.some((option) => option.value === values.backend)) {
    errors.backend = `Unknown backend "${values.backend}".`;
  }

  for (const [field, rule] of Object.entries(NUMBER_RULES) as [TrainingField, NumberRule][]) {
    const message = checkNumber(values[field], rule);
    if (message) {
      errors[field] = message;
    }
  }

  const subsetSize = Number(values.subsetSize);
  if (!errors.subsetSize && values.subsetSize.trim() !== '' && context.trainCount != null && subsetSize > context.trainCount) {
    errors.subsetSize = `Must be at most ${context.trainCount}, the size of the train split, or empty for all of it.`;
  }
  if (!errors.checkpointEvery && !errors.epochs && Number(values.checkpointEvery) > Number(values.epochs)) {
    errors.checkpointEvery = `Must be at most the number of epochs (${values.epochs.trim()}).`;
  }
  return errors;
}

/** Convert validated form values to the mutation input. */
export function toStartTrainingInput(values: TrainingFormValues): StartTrainingInput {
  return {
    datasetName: values.datasetName.trim(),
    preset: values.preset,
    epochs: Number(values.epochs),
    batchSize: Number(values.batchSize),
    learningRate: Number(values.learningRate),
    alpha: Number(values.alpha),
    beta: Number(values.beta),
    gamma: Number(values.gamma),
    embeddingDim: Number(values.embeddingDim),
    subsetSize: values.subsetSize.trim() === '' ? null : Number(values.subsetSize),
    seed: Number(values.seed),
    checkpointEvery: Number(values.checkpointEvery),
    backend: values.backend === '' ? null : values.backend,
  };
}

function checkNumber(raw: string, rule: NumberRule): string | undefined {
  const text = raw.trim();
  if (text === '') {
    return rule.optional ? undefined : 'Required.';
  }
  const value = Number(text);
  if (!Number.isFinite(value)) {
    return `"${text}" is not a number.`;
  }
  if (rule.kind === 'integer' && !Number.isInteger(value)) {
    return `Must be a whole number, got ${text}.`;
  }
  if (rule.exclusiveMin ? value <= rule.min : value < rule.min) {
    return rule.exclusiveMin ? `Must be greater than ${rule.min}.` : `Must be at least ${rule.min}.`;
  }
  if (rule.max != null && value > rule.max) {
    return `Must be at most ${rule.max}.`;
  }
  return undefined;
}

/** Label and help text of each input. The help text states what the option sets and its unit. */
export const TRAINING_FIELD_TEXT: Record<TrainingField, { label: string; hint: string }> = {
  datasetName: { label: 'Data set', hint: 'Registered data set whose train split the model learns from.' },
  preset: { label: 'Encoder preset', hint: 'Architecture of the convolutional encoder.' },
  backend: { label: 'Backend', hint: 'TensorFlow.js backend the worker trains on.' },
  epochs: { label: 'Epochs', hint: 'Passes over the training images.' },
  batchSize: {
    label: 'Batch size',
    hint: 'Images per training step. The other images of a batch are the negative samples.',
  },
  learningRate: { label: 'Learning rate', hint: 'Adam step size of the encoder and the discriminators.' },
  alpha: { label: 'Alpha', hint: 'Weight of the global mutual-information loss.' },
  beta: { label: 'Beta', hint: 'Weight of the local mutual-information loss.' },
  gamma: { label: 'Gamma', hint: 'Weight of the prior-matching loss.' },
  embeddingDim: { label: 'Embedding dimension', hint: 'Length of the embedding vector stored for each image.' },
  subsetSize: {
    label: 'Subset size',
    hint: 'Number of train-split images to train on. Leave empty to use the whole split.',
  },
  seed: { label: 'Seed', hint: 'Seed of the weight initialisation and the random sampling.' },
  checkpointEvery: { label: 'Checkpoint every', hint: 'Epochs between two checkpoints. The last epoch is always saved.' },
};

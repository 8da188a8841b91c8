import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { InvalidTrainingConfigError, TRAINING_CONFIG_DEFAULTS, validateTrainingConfig } from '../../src/worker/config';

/** The real CIFAR-10 copy: a data folder with cifar-10-batches-bin in it. */
const CIFAR_DATA_DIR = process.env.CIFAR10_DATA_DIR ?? path.resolve(__dirname, '../../../../../shared/data');

async function problemsOf(config: unknown, dataDir = CIFAR_DATA_DIR): Promise<readonly string[]> {
  try {
    await validateTrainingConfig(config, { dataDir });
  } catch (error) {
    if (error instanceof InvalidTrainingConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('validateTrainingConfig', () => {
  let emptyDir: string;

  beforeAll(async () => {
    emptyDir = await mkdtemp(path.join(os.tmpdir(), 'dim-config-test-'));
  });

  afterAll(async () => {
    await rm(emptyDir, { recursive: true, force: true });
  });

  it('fills defaults for unset fields', async () => {
    const config = await validateTrainingConfig({ epochs: 1, subsetSize: 64, backend: null }, { dataDir: CIFAR_DATA_DIR });

    expect(config).toEqual({ ...TRAINING_CONFIG_DEFAULTS, epochs: 1, subsetSize: 64 });
  });

  it.each([
    [{ preset: 'huge' }, 'Unknown preset "huge"'],
    [{ datasetName: 'mnist' }, 'Unknown data set "mnist"'],
    [{ batchSize: 1 }, 'batchSize must be an integer >= 2, got 1'],
    [{ epochs: 0 }, 'epochs must be an integer >= 1, got 0'],
    [{ epochs: 1.5 }, 'epochs must be an integer >= 1, got 1.5'],
    [{ learningRate: 0 }, 'learningRate must be a finite number > 0'],
    [{ gamma: -1 }, 'gamma must be a finite number >= 0'],
    [{ backend: 'opengl' }, 'Unknown backend "opengl"'],
    [{ subsetSize: 8, batchSize: 16 }, 'subsetSize 8 is smaller than batchSize 16'],
    [{ subsetSize: 60_000 }, 'subsetSize 60000 exceeds the 50000 train images'],
    [{ epoch: 3 }, 'Unknown field(s) epoch'],
  ])('rejects %j', async (config, expected) => {
    const problems = await problemsOf(config);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it('lists every problem at once', async () => {
    const problems = await problemsOf({ preset: 'huge', batchSize: 1, epochs: 0 });

    expect(problems).toHaveLength(3);
  });

  it('rejects a non-object configuration', async () => {
    expect(await problemsOf('cifar10')).toEqual(['The configuration must be a JSON object, got "cifar10".']);
  });

  it('rejects a data set absent from the data folder', async () => {
    const [problem] = await problemsOf({}, emptyDir);

    expect(problem).toContain('Data set cifar10 is not present');
    expect(problem).toContain(emptyDir);
  });

  it('skips the presence check without dataDir', async () => {
    const config = await validateTrainingConfig({ datasetName: 'fashion-mnist' }, {});

    expect(config.datasetName).toBe('fashion-mnist');
  });

  it('names the missing Fashion-MNIST files', async () => {
    await writeFile(path.join(emptyDir, 'placeholder'), '');
    const [problem] = await problemsOf({ datasetName: 'fashion-mnist' }, emptyDir);

    expect(problem).toContain(`${path.join(emptyDir, 'fashion-mnist')} lacks train-images-idx3-ubyte`);
  });
});

import os from 'node:os';

import { defaultWorkerCount } from './parallel-trainer';

describe('defaultWorkerCount', () => {
  it.each(['tensorflow', 'tensorflow-gpu'] as const)('is 1 on native backend %s', (backend) => {
    expect(defaultWorkerCount(backend, 'reference')).toBe(1);
  });

  it.each(['wasm', 'cpu'] as const)('uses every core for the reference preset on %s', (backend) => {
    expect(defaultWorkerCount(backend, 'reference')).toBe(os.availableParallelism());
  });

  it.each(['wasm', 'cpu'] as const)('keeps the paper preset in one thread on %s', (backend) => {
    expect(defaultWorkerCount(backend, 'paper')).toBe(1);
  });

  it('uses every core when the preset is unknown', () => {
    expect(defaultWorkerCount('wasm')).toBe(os.availableParallelism());
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

import type { LogLevel } from './types';
import { selectBackend } from './select';

function missingModule(moduleName: string): never {
  const error = new Error(`Cannot find module '${moduleName}'`) as NodeJS.ErrnoException;
  error.code = 'MODULE_NOT_FOUND';
  throw error;
}

function recordingLog(): { lines: Array<[LogLevel, string]>; log: (level: LogLevel, message: string) => void } {
  const lines: Array<[LogLevel, string]> = [];
  return { lines, log: (level, message) => lines.push([level, message]) };
}

describe('selectBackend', () => {
  afterEach(() => {
    if (tf.findBackendFactory('tensorflow') != null) {
      tf.removeBackend('tensorflow');
    }
  });

  test('auto falls back to wasm', async () => {
    const { lines, log } = recordingLog();
    const info = await selectBackend({ log, requireModule: missingModule });

    expect(info.name).toBe('wasm');
    expect(info.tfBackendName).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.simd).toBe(true);
    expect(info.threads).toBe(1);
    expect(lines).toContainEqual(['info', 'Skipped backend tensorflow-gpu: @tensorflow/tfjs-node-gpu is not installed.']);
    expect(lines).toContainEqual(['info', 'Skipped backend tensorflow: @tensorflow/tfjs-node is not installed.']);
    expect(lines[lines.length - 1][1]).toMatch(/^Using backend wasm .*skipped tensorflow-gpu .*, tensorflow /);
  });

  test('auto without native packages here', async () => {
    // The native packages cannot install on this machine, so the real require must skip them.
    const info = await selectBackend({ log: () => undefined });
    expect(['tensorflow-gpu', 'tensorflow', 'wasm']).toContain(info.name);
  });

  test('auto prefers an installed native package', async () => {
    // Stands in for @tensorflow/tfjs-node, which registers a 'tensorflow' backend on load.
    const fakeNode = (moduleName: string): unknown => {
      if (moduleName !== '@tensorflow/tfjs-node') {
        return missingModule(moduleName);
      }
      tf.registerBackend('tensorflow', () => new MathBackendCPU());
      return {};
    };
    const { lines, log } = recordingLog();
    const info = await selectBackend({ log, requireModule: fakeNode });

    expect(info).toEqual({ name: 'tensorflow', tfBackendName: 'tensorflow' });
    expect(tf.getBackend()).toBe('tensorflow');
    expect(lines[lines.length - 1][1]).toMatch(/^Using backend tensorflow .*skipped tensorflow-gpu/);
  });

  test('broken native package is skipped', async () => {
    const brokenGpu = (moduleName: string): unknown => {
      if (moduleName === '@tensorflow/tfjs-node-gpu') {
        throw new Error('libcudart.so.11.0: cannot open shared object file');
      }
      return missingModule(moduleName);
    };
    const { lines, log } = recordingLog();
    const info = await selectBackend({ log, requireModule: brokenGpu });

    expect(info.name).toBe('wasm');
    expect(lines[0][1]).toBe('Skipped backend tensorflow-gpu: @tensorflow/tfjs-node-gpu failed to load: libcudart.so.11.0: cannot open shared object file.');
  });

  test('override selects cpu', async () => {
    const { lines, log } = recordingLog();
    const info = await selectBackend({ backend: 'cpu', log, requireModule: missingModule });

    expect(info).toEqual({ name: 'cpu', tfBackendName: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    expect(lines).toEqual([['info', "Using backend cpu (tfjs backend 'cpu') (requested with --backend)."]]);
  });

  test('override selects wasm after cpu', async () => {
    await selectBackend({ backend: 'cpu', log: () => undefined });
    const info = await selectBackend({ backend: 'wasm', log: () => undefined });

    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  test('override of missing native fails', async () => {
    const promise = selectBackend({ backend: 'tensorflow', log: () => undefined, requireModule: missingModule });
    await expect(promise).rejects.toThrow(
      "Backend 'tensorflow' requested with --backend could not be initialised: tensorflow (@tensorflow/tfjs-node is not installed). Use --backend auto to fall back to another backend.",
    );
  });

  test('invalid value names valid values', async () => {
    const promise = selectBackend({ backend: 'gpu' as never });
    await expect(promise).rejects.toThrow("Invalid --backend value 'gpu'. Valid values: auto, tensorflow-gpu, tensorflow, wasm, cpu.");
  });
});

/**
 * Measures Deep InfoMax training throughput (images/s) for each encoder preset on each
 * available tfjs backend, using the library's own training step. Prints one JSON document on
 * stdout; logs go to stderr.
 *
 *   npx tsx tools/src/bench/train-throughput.ts [--backends=wasm,cpu] [--presets=paper,reference]
 *     [--batch=16] [--micro-batch=16] [--min-seconds=20] [--workers=1,2]
 *
 * --workers lists worker counts to measure on the wasm and cpu backends: 1 runs the step in
 * this thread, as `train --workers 1` does, and N > 1 runs the data-parallel trainer with N
 * replica workers. Without it, each backend is measured in this thread only.
 *
 * The first step of each run is a warm-up (kernel setup, heap growth) and is not timed. Timed
 * steps continue until --min-seconds have passed, with at least one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createDimModel, disposeModel } from '@dim/dim-model/src/model';
import { type PresetName } from '@dim/dim-model/src/presets';
import { trainStep } from '@dim/dim-model/src/training-step';
import { createParallelTrainer, type ParallelBackend } from '@dim/dim-model/src/parallel';

import { machineLoad, parseOptions, requestedBackends, tryBackend } from './backends';

const PRESETS: readonly PresetName[] = ['paper', 'reference'];
const INPUT_SHAPE = [32, 32, 3] as const;

function integerOption(options: Map<string, string>, name: string, fallback: number, minimum: number): number {
  const value = Number(options.get(name) ?? fallback);
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(`Invalid --${name}=${options.get(name)}; expected an integer >= ${minimum}.`);
  }
  return value;
}

function requestedPresets(options: Map<string, string>): PresetName[] {
  const names = options.get('presets')?.split(',') ?? [...PRESETS];
  for (const name of names) {
    if (!(PRESETS as readonly string[]).includes(name)) {
      throw new Error(`Invalid preset '${name}' in --presets; valid values: ${PRESETS.join(', ')}.`);
    }
  }
  return names as PresetName[];
}

/** Bytes of the WASM linear memory. It never shrinks, so after a run it is the peak. */
function wasmHeapBytes(): number | undefined {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } };
  return backend.wasm?.HEAPU8.length;
}

function benchPreset(preset: PresetName, batch: number, microBatch: number, minSeconds: number): Record<string, unknown> {
  const model = createDimModel({ preset, seed: 1, inputShape: INPUT_SHAPE });
  const images = tf.randomUniform([batch, ...INPUT_SHAPE], -1, 1, 'float32', 2) as tf.Tensor4D;
  const options = { microBatchSize: Math.min(microBatch, batch) };

  const warmupStart = performance.now();
  trainStep(model, images, options);
  const warmupSeconds = (performance.now() - warmupStart) / 1000;

  const stepSeconds: number[] = [];
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  do {
    const stepStart = performance.now();
    trainStep(model, images, options);
    stepSeconds.push((performance.now() - stepStart) / 1000);
  } while ((performance.now() - start) / 1000 < minSeconds);
  const totalSeconds = stepSeconds.reduce((sum, seconds) => sum + seconds, 0);
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  const result = {
    preset,
    batch,
    microBatch: options.microBatchSize,
    warmupSeconds: Number(warmupSeconds.toFixed(2)),
    timedSteps: stepSeconds.length,
    secondsPerStep: Number((totalSeconds / stepSeconds.length).toFixed(2)),
    imagesPerSecond: Number(((batch * stepSeconds.length) / totalSeconds).toPrecision(4)),
    // Single-threaded backends use at most one core, so on a shared machine images per CPU
    // second estimates the rate on an idle core better than wall-clock time does.
    imagesPerCpuSecond: Number(((batch * stepSeconds.length) / cpuSeconds).toPrecision(4)),
    liveTensorBytes: tf.memory().numBytes,
    wasmHeapBytes: wasmHeapBytes(),
  };
  images.dispose();
  disposeModel(model);
  return result;
}

function requestedWorkerCounts(options: Map<string, string>): number[] {
  const value = options.get('workers');
  if (value == null) return [1];
  return value.split(',').map((text) => {
    const count = Number(text);
    if (!Number.isInteger(count) || count < 1) {
      throw new Error(`Invalid worker count '${text}' in --workers; expected integers >= 1, e.g. --workers=1,2.`);
    }
    return count;
  });
}

/** Like `benchPreset`, on `workers` replica threads; wall-clock and whole-process CPU time. */
async function benchParallel(
  backend: ParallelBackend,
  preset: PresetName,
  workers: number,
  batch: number,
  microBatch: number,
  minSeconds: number,
): Promise<Record<string, unknown>> {
  const trainer = await createParallelTrainer({
    backend,
    workers,
    config: { preset, seed: 1, inputShape: INPUT_SHAPE },
    microBatchSize: Math.min(microBatch, Math.ceil(batch / workers)),
  });
  try {
    const images = tf.tidy(() => tf.randomUniform([batch, ...INPUT_SHAPE], -1, 1, 'float32', 2).dataSync() as Float32Array);

    const warmupStart = performance.now();
    await trainer.step(images, batch);
    const warmupSeconds = (performance.now() - warmupStart) / 1000;

    const stepSeconds: number[] = [];
    // process.cpuUsage covers every thread of the process, the workers included.
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    let losses = {};
    do {
      const stepStart = performance.now();
      losses = await trainer.step(images, batch);
      stepSeconds.push((performance.now() - stepStart) / 1000);
    } while ((performance.now() - start) / 1000 < minSeconds);
    const totalSeconds = stepSeconds.reduce((sum, seconds) => sum + seconds, 0);
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;

    return {
      preset,
      batch,
      workers,
      microBatch: Math.min(microBatch, Math.ceil(batch / workers)),
      warmupSeconds: Number(warmupSeconds.toFixed(2)),
      timedSteps: stepSeconds.length,
      secondsPerStep: Number((totalSeconds / stepSeconds.length).toFixed(2)),
      imagesPerSecond: Number(((batch * stepSeconds.length) / totalSeconds).toPrecision(4)),
      imagesPerCpuSecond: Number(((batch * stepSeconds.length) / cpuSeconds).toPrecision(4)),
      lastLosses: losses,
    };
  } finally {
    await trainer.dispose();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const batch = integerOption(options, 'batch', 16, 2);
  const microBatch = integerOption(options, 'micro-batch', batch, 2);
  const minSeconds = integerOption(options, 'min-seconds', 20, 0);
  const workerCounts = requestedWorkerCounts(options);
  const results: Record<string, unknown>[] = [];

  for (const name of requestedBackends(options)) {
    const info = await tryBackend(name);
    if (info == null) {
      continue;
    }
    for (const preset of requestedPresets(options)) {
      for (const workers of workerCounts) {
        if (workers === 1) {
          console.error(`[info] Training ${preset} on ${name}, batch ${batch}, micro-batch ${microBatch}.`);
          results.push({ backend: info, workers: 1, ...benchPreset(preset, batch, microBatch, minSeconds) });
        } else if (name === 'wasm' || name === 'cpu') {
          console.error(`[info] Training ${preset} on ${workers} ${name} workers, batch ${batch}, micro-batch ${microBatch}.`);
          results.push({ backend: info, ...(await benchParallel(name, preset, workers, batch, microBatch, minSeconds)) });
        } else {
          console.error(`[info] Skipped ${workers} workers on ${name}: parallel training runs on wasm and cpu only.`);
        }
      }
    }
  }

  console.log(JSON.stringify({ benchmark: 'train-throughput', inputShape: INPUT_SHAPE, node: process.version, ...machineLoad(), results }, null, 2));
}

main().catch((error: unknown) => {
  console.error('[error] training benchmark failed:', error);
  process.exitCode = 1;
});

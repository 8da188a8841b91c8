/**
 * Measures embedding (inference) throughput in images/s for each encoder preset on each
 * available tfjs backend, through the library's `embed` (batch norm in inference mode). Prints
 * one JSON document on stdout; logs go to stderr.
 *
 *   npx tsx tools/src/bench/embed-throughput.ts [--backends=wasm,cpu] [--presets=paper,reference]
 *     [--batch=256] [--min-seconds=20]
 *
 * The first batch of each run is a warm-up (kernel setup, heap growth) and is not timed. Timed
 * batches continue until --min-seconds have passed, with at least one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { embed } from '@dim/dim-model/src/embed';
import { createDimModel, disposeModel } from '@dim/dim-model/src/model';
import { type PresetName } from '@dim/dim-model/src/presets';

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

/** Embeds one batch and reads the result back, so the time includes the download to JavaScript. */
function embedBatch(model: ReturnType<typeof createDimModel>, images: tf.Tensor4D, batch: number): void {
  const embeddings = embed(model, images, batch);
  embeddings.dataSync();
  embeddings.dispose();
}

function benchPreset(preset: PresetName, batch: number, minSeconds: number): Record<string, unknown> {
  const model = createDimModel({ preset, seed: 1, inputShape: INPUT_SHAPE });
  const images = tf.randomUniform([batch, ...INPUT_SHAPE], -1, 1, 'float32', 2) as tf.Tensor4D;

  const warmupStart = performance.now();
  embedBatch(model, images, batch);
  const warmupSeconds = (performance.now() - warmupStart) / 1000;

  const batchSeconds: number[] = [];
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  do {
    const batchStart = performance.now();
    embedBatch(model, images, batch);
    batchSeconds.push((performance.now() - batchStart) / 1000);
  } while ((performance.now() - start) / 1000 < minSeconds);
  const totalSeconds = batchSeconds.reduce((sum, seconds) => sum + seconds, 0);
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  const result = {
    preset,
    batch,
    warmupSeconds: Number(warmupSeconds.toFixed(2)),
    timedBatches: batchSeconds.length,
    secondsPerBatch: Number((totalSeconds / batchSeconds.length).toFixed(3)),
    imagesPerSecond: Number(((batch * batchSeconds.length) / totalSeconds).toFixed(2)),
    // A single-threaded backend uses at most one core, so on a shared machine images per CPU
    // second estimates the rate on an idle core better than wall-clock time does.
    imagesPerCpuSecond: Number(((batch * batchSeconds.length) / cpuSeconds).toFixed(2)),
  };
  images.dispose();
  disposeModel(model);
  return result;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const batch = integerOption(options, 'batch', 256, 1);
  const minSeconds = integerOption(options, 'min-seconds', 20, 0);
  const results: Record<string, unknown>[] = [];

  for (const name of requestedBackends(options)) {
    const info = await tryBackend(name);
    if (info == null) {
      continue;
    }
    for (const preset of requestedPresets(options)) {
      console.error(`[info] Embedding with ${preset} on ${name}, batch ${batch}.`);
      results.push({ backend: info, ...benchPreset(preset, batch, minSeconds) });
    }
  }

  console.log(JSON.stringify({ benchmark: 'embed-throughput', inputShape: INPUT_SHAPE, node: process.version, ...machineLoad(), results }, null, 2));
}

main().catch((error: unknown) => {
  console.error('[error] embedding benchmark failed:', error);
  process.exitCode = 1;
});

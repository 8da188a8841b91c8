/**
 * Measures matMul throughput and conv2d forward/backward times on each available tfjs backend.
 * Prints one JSON document on stdout; logs go to stderr.
 *
 *   npx tsx tools/src/bench/kernels.ts [--backends=wasm,cpu]
 */
import * as tf from '@tensorflow/tfjs-core';
import { conv2d } from '@dim/dim-model/src/ops/conv2d';
import { conv2dFilterGrad, conv2dInputGrad, convGeometry } from '@dim/dim-model/src/ops/conv2d_grad';

import { machineLoad, medianMilliseconds, parseOptions, requestedBackends, tryBackend } from './backends';

interface ConvCase {
  /** Layer the shape comes from. */
  layer: string;
  input: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: 'valid' | 'same';
}

const BATCH = 8;

// Layers of the two encoder presets on 32x32x3 images, at BATCH images.
const CONV_CASES: ConvCase[] = [
  { layer: 'reference conv1 3->64', input: [BATCH, 32, 32, 3], filter: [4, 4, 3, 64], stride: 1, pad: 'valid' },
  { layer: 'reference conv2 64->128', input: [BATCH, 29, 29, 64], filter: [4, 4, 64, 128], stride: 1, pad: 'valid' },
  { layer: 'reference conv4 256->512', input: [BATCH, 23, 23, 256], filter: [4, 4, 256, 512], stride: 1, pad: 'valid' },
  { layer: 'paper conv2 64->128', input: [BATCH, 16, 16, 64], filter: [4, 4, 64, 128], stride: 2, pad: 'same' },
  { layer: 'local discriminator 1x1 512->512', input: [BATCH, 20, 20, 512], filter: [1, 1, 512, 512], stride: 1, pad: 'valid' },
];

/**
 * Times one conv case: forward, each gradient as computed by conv2d's registered gradient, and
 * the backend's stock Conv2DBackpropInput kernel for comparison (tfjs-backend-wasm 4.22 has no
 * Conv2DBackpropFilter kernel to compare with).
 */
function benchConv(testCase: ConvCase, repeats: number): Record<string, unknown> {
  const x = tf.randomNormal(testCase.input) as tf.Tensor4D;
  const filter = tf.randomNormal(testCase.filter) as tf.Tensor4D;
  const { stride, pad } = testCase;
  const y = conv2d(x, filter, stride, pad);
  const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
  const geometry = convGeometry(x.shape, filter.shape, stride, pad);
  // Multiply-adds of the forward pass, counted as 2 FLOPs. Each gradient costs the same.
  const flops = 2 * y.size * testCase.filter[0] * testCase.filter[1] * testCase.filter[2];

  const forwardMs = medianMilliseconds(() => tf.tidy(() => void conv2d(x, filter, stride, pad).dataSync()), repeats);
  const filterGradientMs = medianMilliseconds(() => tf.tidy(() => void conv2dFilterGrad(x, dy, geometry).dataSync()), repeats);
  const inputGradientMs = medianMilliseconds(() => tf.tidy(() => void conv2dInputGrad(dy, filter, geometry).dataSync()), repeats);
  const stockInputGradientMs = timeStock(() => tf.conv2dTranspose(dy, filter, testCase.input, stride, pad), repeats);

  tf.dispose([x, filter, y, dy]);
  return {
    layer: testCase.layer,
    input: testCase.input,
    filter: testCase.filter,
    stride,
    pad,
    gflop: round(flops / 1e9),
    forwardMs: round(forwardMs),
    forwardGflops: round(flops / forwardMs / 1e6),
    filterGradientMs: round(filterGradientMs),
    filterGradientGflops: round(flops / filterGradientMs / 1e6),
    inputGradientMs: round(inputGradientMs),
    inputGradientGflops: round(flops / inputGradientMs / 1e6),
    stockInputGradientMs,
  };
}

function timeStock(fn: () => tf.Tensor, repeats: number): number | string {
  try {
    return round(medianMilliseconds(() => tf.tidy(() => void fn().dataSync()), repeats));
  } catch (error) {
    return `unavailable: ${(error as Error).message}`;
  }
}

function benchMatMul(size: number, repeats: number): Record<string, unknown> {
  const a = tf.randomNormal([size, size]);
  const b = tf.randomNormal([size, size]);
  const ms = medianMilliseconds(() => tf.tidy(() => void tf.matMul(a, b).dataSync()), repeats);
  tf.dispose([a, b]);
  return { size, ms: round(ms), gflops: round((2 * size ** 3) / ms / 1e6) };
}

function round(value: number): number {
  return Number(value.toFixed(2));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const results: Record<string, unknown>[] = [];

  for (const name of requestedBackends(options)) {
    const info = await tryBackend(name);
    if (info == null) {
      continue;
    }
    // The pure JavaScript backend is ~100x slower, so it gets fewer repeats and smaller cases.
    const slow = name === 'cpu';
    const repeats = slow ? 1 : 3;
    const matMul = (slow ? [256, 512] : [256, 512, 1024]).map((size) => benchMatMul(size, repeats));
    const conv = CONV_CASES.filter((testCase) => !slow || testCase.filter[2] <= 64).map((testCase) => benchConv(testCase, repeats));
    results.push({ backend: info, matMul, conv });
  }

  console.log(JSON.stringify({ benchmark: 'kernels', batch: BATCH, node: process.version, ...machineLoad(), results }, null, 2));
}

main().catch((error: unknown) => {
  console.error('[error] kernel benchmark failed:', error);
  process.exitCode = 1;
});

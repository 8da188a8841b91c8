import * as tf from '@tensorflow/tfjs-core';

/**
 * Faster WASM kernels for matrix products with transposed operands.
 *
 * tfjs-backend-wasm 4.22 runs BatchMatMul and _FusedMatMul 10-20x slower when transposeA or
 * transposeB is set. A 512x1024 by 1024x512 product ran at 0.15 GFLOP/s with transposeA and
 * 0.25 with transposeB, against 3-4 GFLOP/s untransposed and 2.3-2.5 through these wrappers
 * (one thread on a 2-core machine under load 9). The gradient of every matMul uses both
 * flags. The wrappers transpose the operand first, a memory-bound copy, and call the stock
 * kernel without the flag.
 */

const WASM = 'wasm';
const WRAPPED_KERNELS = [tf.BatchMatMul, tf._FusedMatMul];

let registered = false;

/** Replaces the WASM BatchMatMul and _FusedMatMul kernels with the wrappers; call before the backend initialises. */
export function registerWasmMatMulFastPaths(): void {
  if (registered) {
    return;
  }
  const transpose = tf.getKernel(tf.Transpose, WASM);
  if (transpose == null) {
    throw new Error('The WASM backend has no Transpose kernel; import @tensorflow/tfjs-backend-wasm before registering fast paths.');
  }

  for (const kernelName of WRAPPED_KERNELS) {
    const stock = tf.getKernel(kernelName, WASM);
    if (stock == null) {
      throw new Error(`The WASM backend has no ${kernelName} kernel; import @tensorflow/tfjs-backend-wasm before registering fast paths.`);
    }
    tf.unregisterKernel(kernelName, WASM);
    tf.registerKernel({
      kernelName,
      backendName: WASM,
      // The stock kernel keeps its setup, which binds its WASM function when the backend starts.
      setupFunc: stock.setupFunc,
      disposeFunc: stock.disposeFunc,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
        if (!transposeA && !transposeB) {
          return stock.kernelFunc({ inputs, backend, attrs });
        }

        const transposed: tf.TensorInfo[] = [];
        const swapLastAxes = (x: tf.TensorInfo): tf.TensorInfo => {
          const perm = x.shape.map((_, axis) => axis);
          [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
          const result = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
          transposed.push(result);
          return result;
        };
        const a = inputs.a as tf.TensorInfo;
        const b = inputs.b as tf.TensorInfo;
        const newInputs = { ...inputs, a: transposeA ? swapLastAxes(a) : a, b: transposeB ? swapLastAxes(b) : b };
        try {
          return stock.kernelFunc({ inputs: newInputs, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
        } finally {
          for (const info of transposed) {
            (backend as tf.KernelBackend).disposeData(info.dataId);
          }
        }
      },
    });
  }
  registered = true;
}

import * as tf from '@tensorflow/tfjs-core';

import '../backend/gradients';
import { conv2dFilterGrad, conv2dInputGrad, convGeometry, type Padding } from './conv2d_grad';

/**
 * Name of the kernel behind `conv2d`. Its forward pass is the backend's own Conv2D kernel.
 * It exists so that a gradient of our own can be registered without replacing the Conv2D
 * gradient that every other tfjs user in the process relies on.
 */
export const DIM_CONV2D = 'DimConv2D';

/**
 * Backends whose gradients run as forward convolutions. The others use their own
 * Conv2DBackpropInput and Conv2DBackpropFilter kernels: native TensorFlow has fast ones, and on
 * the pure JavaScript backend the stock input gradient beat the forward convolution 2-3x in
 * tools/src/bench/kernels.ts. WASM has no Conv2DBackpropFilter, and its Conv2DBackpropInput was
 * 4-18x slower than the forward convolution on the encoder layers.
 */
const FORWARD_GRADIENT_BACKENDS = new Set(['wasm']);

interface DimConv2DAttrs {
  strides: number;
  pad: Padding;
}

/**
 * 2-D convolution used by every model in this library: NHWC input, HWIO filter, no dilation.
 *
 * The forward pass is the backend's Conv2D. On WASM the gradients are forward convolutions
 * and matrix products (see conv2d_grad.ts), elsewhere the backend's backprop kernels. They are
 * evaluated lazily per input, so a convolution whose input is data computes no input gradient.
 */
export function conv2d(x: tf.Tensor4D, filter: tf.Tensor4D, strides: number, pad: Padding): tf.Tensor4D {
  if (!Number.isInteger(strides) || strides < 1) {
    throw new Error(`conv2d: invalid strides ${strides}; expected a positive integer such as 1 or 2.`);
  }
  if (pad !== 'valid' && pad !== 'same') {
    throw new Error(`conv2d: invalid pad '${String(pad)}'; expected 'valid' or 'same'.`);
  }
  if (x.rank !== 4 || filter.rank !== 4) {
    throw new Error(`conv2d: expected a rank-4 input and filter, got ranks ${x.rank} and ${filter.rank}.`);
  }
  if (x.shape[3] !== filter.shape[2]) {
    throw new Error(
      `conv2d: input has ${x.shape[3]} channels but the filter expects ${filter.shape[2]} (filter shape ${filter.shape}).`,
    );
  }

  ensureKernelRegistered(tf.getBackend());
  const attrs: DimConv2DAttrs = { strides, pad };
  return tf.engine().runKernel(DIM_CONV2D, { x, filter }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

const registeredBackends = new Set<string>();

/**
 * Registers DimConv2D for one backend on first use. Registration is per backend name because
 * tfjs looks kernels up by (kernel, backend), and the backend is only known at run time.
 */
function ensureKernelRegistered(backendName: string): void {
  if (registeredBackends.has(backendName) || tf.getKernel(DIM_CONV2D, backendName) != null) {
    registeredBackends.add(backendName);
    return;
  }
  const backendConv = tf.getKernel(tf.Conv2D, backendName);
  if (backendConv == null) {
    throw new Error(`conv2d: backend '${backendName}' has no Conv2D kernel; select a tfjs backend that implements it.`);
  }
  tf.registerKernel({
    kernelName: DIM_CONV2D,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { strides, pad } = attrs as unknown as DimConv2DAttrs;
      const conv2dAttrs = { strides, pad, dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined };
      return backendConv.kernelFunc({ inputs, backend, attrs: conv2dAttrs as unknown as tf.NamedAttrMap });
    },
  });
  registeredBackends.add(backendName);
}

tf.registerGradient({
  kernelName: DIM_CONV2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const { strides, pad } = attrs as unknown as DimConv2DAttrs;
    const dy4d = dy as tf.Tensor4D;

    if (!FORWARD_GRADIENT_BACKENDS.has(tf.getBackend())) {
      const inputAttrs = { strides, pad, dataFormat: 'NHWC', inputShape: x.shape } as unknown as tf.NamedAttrMap;
      const filterAttrs = { strides, pad, dataFormat: 'NHWC', filterShape: filter.shape } as unknown as tf.NamedAttrMap;
      return {
        x: () => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dy4d, filter }, inputAttrs) as tf.Tensor,
        filter: () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: dy4d }, filterAttrs) as tf.Tensor,
      };
    }

    const geometry = convGeometry(x.shape, filter.shape, strides, pad);
    return {
      x: () => conv2dInputGrad(dy4d, filter, geometry),
      filter: () => conv2dFilterGrad(x, dy4d, geometry),
    };
  },
});

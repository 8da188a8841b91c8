import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradients of a 2-D convolution (NHWC input, HWIO filter, no dilation) written as forward
 * convolutions and matrix products.
 *
 * Why: the WASM backend of tfjs 4.22 runs Conv2D and MatMul through XNNPACK, but it has no
 * Conv2DBackpropFilter kernel at all and its Conv2DBackpropInput is a plain loop. Expressing
 * both gradients as forward ops lets XNNPACK do all the arithmetic.
 */

export type Padding = 'valid' | 'same';

/** Padding that a forward convolution applies to its input, in pixels. */
export interface ConvPadding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** Shapes and padding of one forward convolution, as tfjs computes them. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  stride: number;
  padding: ConvPadding;
}

/**
 * Computes the geometry of `conv2d(x, filter, stride, pad)` with tfjs's own shape logic, so
 * 'same' padding matches TensorFlow (the odd pixel goes to the bottom and right).
 */
export function convGeometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  stride: number,
  pad: Padding,
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    stride,
    1,
    pad,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    stride,
    padding: { top: info.padInfo.top, bottom: info.padInfo.bottom, left: info.padInfo.left, right: info.padInfo.right },
  };
}

/**
 * Computes dL/dfilter from the input x and the output gradient dy.
 *
 * dW[a,b,ci,co] = sum over n,i,j of xPadded[n, i*s + a, j*s + b, ci] * dy[n,i,j,co]. That is a
 * forward convolution of x with dy as the filter once the batch axis plays the role of the
 * input channels: x becomes [Ci, H, W, N], dy becomes [Ho, Wo, N, Co], and the stride s of the
 * original convolution becomes the dilation. A 1x1 stride-1 filter needs no spatial shift, so
 * its gradient is the single matrix product x^T dy.
 */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, geometry: ConvGeometry): tf.Tensor4D {
  const g = geometry;
  return tf.tidy(() => {
    if (g.filterHeight === 1 && g.filterWidth === 1 && g.stride === 1) {
      const rows = g.batch * g.inHeight * g.inWidth;
      const grad = tf.matMul(tf.reshape(x, [rows, g.inChannels]), tf.reshape(dy, [rows, g.outChannels]), true, false);
      return tf.reshape(grad, [1, 1, g.inChannels, g.outChannels]) as tf.Tensor4D;
    }

    // The last input row the filter reads is (Ho-1)*s + kh - 1 in padded coordinates. Rows past
    // it are cropped and missing ones are zero-padded, so the output is exactly kh x kw.
    const neededHeight = (g.outHeight - 1) * g.stride + g.filterHeight;
    const neededWidth = (g.outWidth - 1) * g.stride + g.filterWidth;
    const keptHeight = Math.min(g.inHeight, neededHeight - g.padding.top);
    const keptWidth = Math.min(g.inWidth, neededWidth - g.padding.left);
    const cropped = keptHeight < g.inHeight || keptWidth < g.inWidth ? tf.slice(x, [0, 0, 0, 0], [-1, keptHeight, keptWidth, -1]) : x;
    const padding: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [g.padding.top, neededHeight - g.padding.top - keptHeight],
      [g.padding.left, neededWidth - g.padding.left - keptWidth],
      [0, 0],
    ];

    const channelsAsBatch = tf.transpose(cropped, [3, 1, 2, 0]) as tf.Tensor4D;
    const dyAsFilter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const grad = tf.conv2d(channelsAsBatch, dyAsFilter, 1, padding, 'NHWC', g.stride);
    return tf.transpose(grad, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * Computes dL/dx from the output gradient dy and the filter.
 *
 * The transposed convolution is split into stride x stride phases, one per output pixel offset
 * modulo the stride. Phase r of a k-tap filter uses taps r, r+s, r+2s, ... (M = ceil(k/s) of
 * them) and is a stride-1 forward convolution of dy with those taps flipped. All phases run as
 * one convolution whose s*s*Ci output channels DepthToSpace interleaves into pixels. This costs
 * the same FLOPs as the forward pass, unlike convolving dy with s-1 zeros inserted between its
 * pixels, which does s*s times the work. A 1x1 stride-1 filter needs only the product dy W^T.
 */
export function conv2dInputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D, geometry: ConvGeometry): tf.Tensor4D {
  const g = geometry;
  return tf.tidy(() => {
    if (g.filterHeight === 1 && g.filterWidth === 1 && g.stride === 1) {
      const rows = g.batch * g.outHeight * g.outWidth;
      const filter2d = tf.reshape(filter, [g.inChannels, g.outChannels]);
      const grad = tf.matMul(tf.reshape(dy, [rows, g.outChannels]), filter2d, false, true);
      return tf.reshape(grad, [g.batch, g.inHeight, g.inWidth, g.inChannels]) as tf.Tensor4D;
    }

    const s = g.stride;
    const tapsHeight = Math.ceil(g.filterHeight / s);
    const tapsWidth = Math.ceil(g.filterWidth / s);
    const phaseFilter = phaseFilters(filter, s, tapsHeight, tapsWidth);

    // Output row p of phase r is padded-input row p*s + r. Rows up to padTop + H - 1 are needed.
    const phaseHeight = Math.ceil((g.padding.top + g.inHeight) / s);
    const phaseWidth = Math.ceil((g.padding.left + g.inWidth) / s);
    // Row p sums dy rows p - M + 1 .. p, so dy gets M - 1 zero rows on top and is cut or
    // zero-padded at the bottom to phaseHeight rows.
    const usedHeight = Math.min(g.outHeight, phaseHeight);
    const usedWidth = Math.min(g.outWidth, phaseWidth);
    const used = usedHeight < g.outHeight || usedWidth < g.outWidth ? tf.slice(dy, [0, 0, 0, 0], [-1, usedHeight, usedWidth, -1]) : dy;
    const padding: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [tapsHeight - 1, phaseHeight - usedHeight],
      [tapsWidth - 1, phaseWidth - usedWidth],
      [0, 0],
    ];

    const phases = tf.conv2d(used, phaseFilter, 1, padding);
    const interleaved = s === 1 ? phases : depthToSpace(phases, s);
    return tf.slice(interleaved, [0, g.padding.top, g.padding.left, 0], [-1, g.inHeight, g.inWidth, -1]) as tf.Tensor4D;
  });
}

/**
 * Rearranges an HWIO filter [k, k, Ci, Co] into the phase filter [M, M, Co, s*s*Ci]: entry
 * [mh, mw, co, (rh*s + rw)*Ci + ci] is filter[(M-1-mh)*s + rh, (M-1-mw)*s + rw, ci, co], or zero
 * where that tap lies past the filter's edge. The channel order matches DepthToSpace.
 */
function phaseFilters(filter: tf.Tensor4D, stride: number, tapsHeight: number, tapsWidth: number): tf.Tensor4D {
  const [filterHeight, filterWidth, inChannels, outChannels] = filter.shape;
  const padded = tf.pad(filter, [
    [0, tapsHeight * stride - filterHeight],
    [0, tapsWidth * stride - filterWidth],
    [0, 0],
    [0, 0],
  ]);
  const rowsFlipped = reverseAxis(tf.reshape(padded, [1, tapsHeight, stride * tapsWidth * stride * inChannels * outChannels]));
  const flipped = reverseAxis(tf.reshape(rowsFlipped, [tapsHeight * stride, tapsWidth, stride * inChannels * outChannels]));
  // [mh, rh, mw, rw, ci, co] -> [mh, mw, co, rh, rw, ci] as four transposes of rank 3 or 4: the
  // WASM Transpose of tfjs 4.22 took 37-86 ms for this permutation at rank 6 and under 1 ms
  // for each of these (2-core machine under load).
  const [mh, mw, s] = [tapsHeight, tapsWidth, stride];
  const taps = mh * s * mw * s;
  let x: tf.Tensor = tf.transpose(tf.reshape(flipped, [taps, inChannels, outChannels]), [0, 2, 1]);
  x = tf.transpose(tf.reshape(x, [mh, s, mw, s * outChannels * inChannels]), [0, 2, 1, 3]);
  x = tf.transpose(tf.reshape(x, [mh * mw * s, s, outChannels, inChannels]), [0, 2, 1, 3]);
  x = tf.transpose(tf.reshape(x, [mh * mw, s, outChannels, s * inChannels]), [0, 2, 1, 3]);
  return tf.reshape(x, [mh, mw, outChannels, s * s * inChannels]) as tf.Tensor4D;
}

/**
 * Reverses axis 1 of a rank-3 tensor with slices and one concat. The WASM Reverse kernel of
 * tfjs 4.22 was about 5x slower than Transpose on a [4, 4, 64, 128] filter (33.8 vs 6.2 ms).
 */
function reverseAxis(x: tf.Tensor): tf.Tensor {
  const [outer, length, inner] = x.shape;
  if (length === 1) {
    return x;
  }
  const slices: tf.Tensor[] = [];
  for (let index = length - 1; index >= 0; index--) {
    slices.push(tf.slice(x, [0, index, 0], [outer, 1, inner]));
  }
  return tf.concat(slices, 1);
}

/**
 * Moves blocks of stride*stride channels into stride x stride pixels, as tf.depthToSpace does
 * for NHWC. A reshape and transpose are used because the WASM DepthToSpace kernel of tfjs 4.22
 * was about 4x slower than a Transpose of the same tensor.
 */
function depthToSpace(x: tf.Tensor4D, stride: number): tf.Tensor4D {
  const [batch, height, width, depth] = x.shape;
  const channels = depth / (stride * stride);
  const blocks = tf.reshape(x, [batch, height, width, stride, stride, channels]);
  const interleaved = tf.transpose(blocks, [0, 1, 3, 2, 4, 5]);
  return tf.reshape(interleaved, [batch, height * stride, width * stride, channels]) as tf.Tensor4D;
}

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
 * The transposed convolution equals a stride-1 forward convolution of dy, with s-1 zeros
 * inserted between its pixels for stride s, padded by kh-1-padTop on top, using the filter
 * rotated by 180 degrees with its in and out channels swapped. A 1x1 stride-1 filter needs
 * only the matrix product dy W^T.
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

    const rotated = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    const dilated = g.stride === 1 ? dy : insertZeros(dy, g.stride);
    // insertZeros leaves s-1 zero rows and columns after the last pixel as well.
    const dilatedHeight = dilated.shape[1];
    const dilatedWidth = dilated.shape[2];
    const padTop = g.filterHeight - 1 - g.padding.top;
    const padLeft = g.filterWidth - 1 - g.padding.left;
    // Stride-1 convolution with a kh-tall filter maps height P to P - kh + 1, which must be H.
    const padBottom = g.inHeight + g.filterHeight - 1 - dilatedHeight - padTop;
    const padRight = g.inWidth + g.filterWidth - 1 - dilatedWidth - padLeft;

    const trimmed =
      padBottom < 0 || padRight < 0
        ? tf.slice(dilated, [0, 0, 0, 0], [-1, dilatedHeight + Math.min(0, padBottom), dilatedWidth + Math.min(0, padRight), -1])
        : dilated;
    const padding: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [padTop, Math.max(0, padBottom)],
      [padLeft, Math.max(0, padRight)],
      [0, 0],
    ];
    return tf.conv2d(trimmed, rotated, 1, padding);
  });
}

/**
 * Inserts stride-1 zeros after every pixel of x along height and width:
 * [N, H, W, C] -> [N, H*stride, W*stride, C]. Pads of a reshaped view do this without a
 * scatter, because zeros appended to a new axis of length 1 land between neighbouring pixels.
 */
export function insertZeros(x: tf.Tensor4D, stride: number): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  return tf.tidy(() => {
    const widthAxis = tf.reshape(x, [batch * height, width, 1, channels]);
    const zerosAfterColumns = tf.pad(widthAxis, [
      [0, 0],
      [0, 0],
      [0, stride - 1],
      [0, 0],
    ]);
    const heightAxis = tf.reshape(zerosAfterColumns, [batch, height, 1, width * stride * channels]);
    const zerosAfterRows = tf.pad(heightAxis, [
      [0, 0],
      [0, 0],
      [0, stride - 1],
      [0, 0],
    ]);
    return tf.reshape(zerosAfterRows, [batch, height * stride, width * stride, channels]) as tf.Tensor4D;
  });
}

import { PNG, type ColorType } from 'pngjs';

import { imagePixels } from './image-set';
import type { ImageSet } from './types';

/** PNG colour types (PNG spec, IHDR) per channel count: grey, grey+alpha, RGB, RGBA. */
const COLOR_TYPES: Readonly<Record<number, ColorType>> = { 1: 0, 2: 4, 3: 2, 4: 6 };

/**
 * Encodes one 8-bit HWC image as PNG. `channels` is 1 (grey), 2 (grey + alpha), 3 (RGB)
 * or 4 (RGBA), and the PNG keeps that colour type, so no pixel value changes.
 */
export function encodePng(pixels: Uint8Array, height: number, width: number, channels: number): Buffer {
  const colorType = COLOR_TYPES[channels];
  if (colorType === undefined) {
    throw new RangeError(`Cannot encode ${channels} channels as PNG: expected 1, 2, 3 or 4.`);
  }
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new RangeError(`Invalid PNG size ${height}x${width}: expected positive integers.`);
  }
  const expected = height * width * channels;
  if (pixels.length !== expected) {
    throw new RangeError(`PNG input has ${pixels.length} bytes, expected ${expected} (${height}x${width}x${channels}).`);
  }

  const png = new PNG({ width, height });
  png.data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  return PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: channels === 2 || channels === 4 });
}

/** Encodes image `index` of `set` as PNG. */
export function encodeImagePng(set: ImageSet, index: number): Buffer {
  return encodePng(imagePixels(set, index), set.height, set.width, set.channels);
}

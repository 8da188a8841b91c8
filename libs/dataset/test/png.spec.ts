import { PNG } from 'pngjs';

import { encodeImagePng, encodePng } from '../src';
import { tinySet } from './helpers';

/** Decodes a PNG to its colour type and RGBA pixels (pngjs always expands to RGBA). */
function decode(png: Buffer): { width: number; height: number; colorType: number; rgba: number[] } {
  const image = PNG.sync.read(png);
  // The IHDR colour type byte sits at offset 25 (8-byte signature, 8-byte chunk header, 9 bytes of fields).
  return { width: image.width, height: image.height, colorType: png[25], rgba: Array.from(image.data) };
}

describe('encodePng', () => {
  it('round-trips RGB pixels', () => {
    // 2 rows x 3 columns, every byte distinct.
    const pixels = Uint8Array.from({ length: 18 }, (_, i) => i * 14);
    const { width, height, colorType, rgba } = decode(encodePng(pixels, 2, 3, 3));
    expect([width, height, colorType]).toEqual([3, 2, 2]);
    const rgb = rgba.filter((_, i) => i % 4 !== 3);
    expect(rgb).toEqual(Array.from(pixels));
  });

  it('writes grey as colour type 0', () => {
    const pixels = Uint8Array.from([0, 64, 128, 255]);
    const { colorType, rgba } = decode(encodePng(pixels, 2, 2, 1));
    expect(colorType).toBe(0);
    expect(rgba).toEqual([0, 0, 0, 255, 64, 64, 64, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
  });

  it('keeps alpha of RGBA', () => {
    const pixels = Uint8Array.from([10, 20, 30, 40]);
    const { colorType, rgba } = decode(encodePng(pixels, 1, 1, 4));
    expect(colorType).toBe(6);
    expect(rgba).toEqual([10, 20, 30, 40]);
  });

  it('rejects wrong byte count and channels', () => {
    expect(() => encodePng(new Uint8Array(11), 2, 2, 3)).toThrow('PNG input has 11 bytes, expected 12 (2x2x3).');
    expect(() => encodePng(new Uint8Array(10), 1, 2, 5)).toThrow('Cannot encode 5 channels as PNG');
    expect(() => encodePng(new Uint8Array(0), 0, 2, 3)).toThrow('Invalid PNG size 0x2');
  });

  it('encodes a subarray view', () => {
    const backing = Uint8Array.from({ length: 24 }, (_, i) => i);
    const { rgba } = decode(encodePng(backing.subarray(12), 2, 2, 3));
    expect(rgba.filter((_, i) => i % 4 !== 3)).toEqual(Array.from({ length: 12 }, (_, i) => 12 + i));
  });
});

describe('encodeImagePng', () => {
  it('encodes one image of a set', () => {
    const set = tinySet([0, 1, 2]);
    const { width, height, rgba } = decode(encodeImagePng(set, 2));
    expect([width, height]).toEqual([2, 2]);
    expect(rgba).toEqual([2, 2, 2, 255, 2, 2, 2, 255, 2, 2, 2, 255, 2, 2, 2, 255]);
  });
});

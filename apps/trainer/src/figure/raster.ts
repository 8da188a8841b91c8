import { PNG } from 'pngjs';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyphFor } from './bitmap-font';

export type Rgb = readonly [number, number, number];

/** An 8-bit RGB image in row-major order, with drawing primitives for figures. */
export class RgbRaster {
  readonly data: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`Raster size must be positive integers, got ${width}x${height}.`);
    }
    this.data = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  /** Fills a rectangle, clipped to the raster. */
  fillRect(x: number, y: number, width: number, height: number, color: Rgb): void {
    const left = Math.max(0, x);
    const top = Math.max(0, y);
    const right = Math.min(this.width, x + width);
    const bottom = Math.min(this.height, y + height);
    for (let row = top; row < bottom; row++) {
      for (let column = left; column < right; column++) {
        const offset = (row * this.width + column) * 3;
        this.data[offset] = color[0];
        this.data[offset + 1] = color[1];
        this.data[offset + 2] = color[2];
      }
    }
  }

  /** Draws a frame `thickness` pixels wide just outside the given rectangle. */
  strokeRect(x: number, y: number, width: number, height: number, thickness: number, color: Rgb): void {
    this.fillRect(x - thickness, y - thickness, width + 2 * thickness, thickness, color);
    this.fillRect(x - thickness, y + height, width + 2 * thickness, thickness, color);
    this.fillRect(x - thickness, y, thickness, height, color);
    this.fillRect(x + width, y, thickness, height, color);
  }

  /**
   * Draws an 8-bit HWC image (1 or 3 channels) with its top-left corner at (x, y),
   * enlarged by an integer factor with nearest-neighbour sampling so that pixels stay
   * sharp. Grey images are drawn as grey RGB.
   */
  drawImage(
    pixels: Uint8Array,
    imageHeight: number,
    imageWidth: number,
    channels: number,
    x: number,
    y: number,
    scale: number,
  ): void {
    if (channels !== 1 && channels !== 3) {
      throw new RangeError(`Only 1- or 3-channel images can be drawn, got ${channels} channels.`);
    }
    if (pixels.length !== imageHeight * imageWidth * channels) {
      throw new RangeError(
        `Image buffer has ${pixels.length} bytes, expected ${imageHeight}x${imageWidth}x${channels}.`,
      );
    }
    for (let row = 0; row < imageHeight * scale; row++) {
      const targetRow = y + row;
      if (targetRow < 0 || targetRow >= this.height) continue;
      const sourceRow = Math.floor(row / scale);
      for (let column = 0; column < imageWidth * scale; column++) {
        const targetColumn = x + column;
        if (targetColumn < 0 || targetColumn >= this.width) continue;
        const source = (sourceRow * imageWidth + Math.floor(column / scale)) * channels;
        const target = (targetRow * this.width + targetColumn) * 3;
        for (let channel = 0; channel < 3; channel++) {
          this.data[target + channel] = pixels[source + (channels === 1 ? 0 : channel)];
        }
      }
    }
  }

  /** Draws one line of text with its top-left corner at (x, y), each font pixel as a `scale`-sized square. */
  drawText(text: string, x: number, y: number, scale: number, color: Rgb): void {
    let left = x;
    for (const character of text) {
      const glyph = glyphFor(character);
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        for (let column = 0; column < GLYPH_WIDTH; column++) {
          if (glyph[row][column]) {
            this.fillRect(left + column * scale, y + row * scale, scale, scale, color);
          }
        }
      }
      left += GLYPH_ADVANCE * scale;
    }
  }

  /** Encodes the raster as an 8-bit RGB PNG. */
  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height, colorType: 2, inputColorType: 2 });
    png.data = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    return PNG.sync.write(png, { colorType: 2, inputColorType: 2 });
  }
}

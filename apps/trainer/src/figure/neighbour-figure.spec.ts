import { GLYPH_ADVANCE, glyphFor, measureText } from './bitmap-font';
import { neighbourFigureLayout, renderNeighbourFigure, type FigureTile } from './neighbour-figure';
import { RgbRaster } from './raster';

// These tests check the raster. The CLI test checks the encoded PNG, because under Jest
// pngjs's adaptive row filter takes about 30 s for one figure (a few hundred ms under tsx).

function solidImage(value: number, channels: number): Uint8Array {
  return new Uint8Array(8 * 8 * channels).fill(value);
}

function tiles(count: number, channels: number): FigureTile[] {
  return Array.from({ length: count }, (_, i) => ({ pixels: solidImage(20 * i, channels), lines: ['cat', `d=${i}.00`, `test #${i}`] }));
}

describe('renderNeighbourFigure', () => {
  it('renders a raster of the layout size', () => {
    const raster = renderNeighbourFigure({
      imageHeight: 8,
      imageWidth: 8,
      channels: 3,
      scale: 4,
      title: 'title',
      query: { pixels: solidImage(200, 3), lines: ['cat', 'query'] },
      nearest: tiles(10, 3),
      farthest: tiles(10, 3),
    });
    const layout = neighbourFigureLayout(32, 10);

    expect(raster.width).toBe(layout.width);
    expect(raster.height).toBe(layout.height);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() =>
      renderNeighbourFigure({
        imageHeight: 8,
        imageWidth: 8,
        channels: 3,
        scale: 1,
        title: '',
        query: { pixels: new Uint8Array(10), lines: [] },
        nearest: [],
        farthest: [],
      }),
    ).toThrow('Image buffer has 10 bytes, expected 8x8x3.');
  });
});

describe('RgbRaster.drawImage', () => {
  it('enlarges grey images with nearest-neighbour sampling', () => {
    const raster = new RgbRaster(8, 8, [0, 0, 255]);
    raster.drawImage(new Uint8Array([10, 20, 30, 40]), 2, 2, 1, 1, 1, 3);
    const pixel = (x: number, y: number) => Array.from(raster.data.subarray((y * 8 + x) * 3, (y * 8 + x) * 3 + 3));

    expect(pixel(1, 1)).toEqual([10, 10, 10]);
    expect(pixel(3, 3)).toEqual([10, 10, 10]);
    expect(pixel(4, 1)).toEqual([20, 20, 20]);
    expect(pixel(1, 4)).toEqual([30, 30, 30]);
    expect(pixel(6, 6)).toEqual([40, 40, 40]);
    expect(pixel(0, 0)).toEqual([0, 0, 255]);
    expect(pixel(7, 7)).toEqual([0, 0, 255]);
  });

  it('clips an image that extends past the edge', () => {
    const raster = new RgbRaster(4, 4);
    raster.drawImage(new Uint8Array(4 * 4 * 3).fill(7), 4, 4, 3, 2, 2, 2);

    expect(Array.from(raster.data.subarray((3 * 4 + 3) * 3, (3 * 4 + 3) * 3 + 3))).toEqual([7, 7, 7]);
    expect(Array.from(raster.data.subarray(0, 3))).toEqual([255, 255, 255]);
  });
});

describe('bitmap font', () => {
  it('measures text by character advance', () => {
    expect(measureText('', 2)).toBe(0);
    expect(measureText('abc', 1)).toBe(3 * GLYPH_ADVANCE - 1);
    expect(measureText('abc', 2)).toBe(2 * (3 * GLYPH_ADVANCE - 1));
  });

  it('draws a box for unknown characters', () => {
    const box = glyphFor('\u00e9');

    expect(box[0].every(Boolean)).toBe(true);
    expect(box[6].every(Boolean)).toBe(true);
    expect(glyphFor('A')[0].every(Boolean)).toBe(false);
  });
});

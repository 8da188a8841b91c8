import { GLYPH_HEIGHT, measureText } from './bitmap-font';
import { RgbRaster, type Rgb } from './raster';

/** One image on the figure, as 8-bit HWC pixels with the lines printed under it. */
export interface FigureTile {
  readonly pixels: Uint8Array;
  readonly lines: readonly string[];
}

export interface NeighbourFigureInput {
  /** Size of every tile image before enlarging. */
  readonly imageHeight: number;
  readonly imageWidth: number;
  /** 1 (grey) or 3 (RGB). */
  readonly channels: number;
  /** Integer enlargement factor, so 32x32 images at 4 become 128x128 tiles. */
  readonly scale: number;
  readonly title: string;
  readonly query: FigureTile;
  readonly nearest: readonly FigureTile[];
  readonly farthest: readonly FigureTile[];
}

const TEXT_SCALE = 2;
const LINE_HEIGHT = (GLYPH_HEIGHT + 2) * TEXT_SCALE;
const MARGIN = 16;
const GAP = 12;
/** Extra space that separates the query tile from its neighbours. */
const QUERY_GAP = 24;
/** Labels of up to 11 characters (such as "T-shirt/top") fit under a tile at TEXT_SCALE. */
const MIN_LABEL_WIDTH = measureText('x'.repeat(11), TEXT_SCALE);
const CAPTION_LINES = 3;

const BLACK: Rgb = [0, 0, 0];
const GREY: Rgb = [90, 90, 90];
const QUERY_FRAME: Rgb = [220, 40, 40];
const NEAREST_FRAME: Rgb = [40, 140, 60];
const FARTHEST_FRAME: Rgb = [40, 80, 200];

/** Pixel geometry of a neighbour figure, shared by drawing and by callers that check the output size. */
export interface NeighbourFigureLayout {
  readonly width: number;
  readonly height: number;
  readonly tileSize: number;
  readonly slotWidth: number;
  /** Top edge of each row's heading. */
  readonly rowTops: readonly [number, number];
}

/** Computes the figure geometry for tiles of `tileSize` pixels and `neighbourCount` neighbours a row. */
export function neighbourFigureLayout(tileSize: number, neighbourCount: number): NeighbourFigureLayout {
  const slotWidth = Math.max(tileSize, MIN_LABEL_WIDTH) + GAP;
  const rowHeight = LINE_HEIGHT + tileSize + 8 + CAPTION_LINES * LINE_HEIGHT;
  const titleHeight = LINE_HEIGHT + 8;
  const firstRowTop = MARGIN + titleHeight;
  const secondRowTop = firstRowTop + rowHeight + MARGIN;

  return {
    width: 2 * MARGIN + (neighbourCount + 1) * slotWidth + QUERY_GAP,
    height: secondRowTop + rowHeight + MARGIN,
    tileSize,
    slotWidth,
    rowTops: [firstRowTop, secondRowTop],
  };
}

/** Draws the retrieval figure (see renderNeighbourFigure) and encodes it as PNG. */
export function drawNeighbourFigure(input: NeighbourFigureInput): Buffer {
  return renderNeighbourFigure(input).toPng();
}

/**
 * Renders the retrieval figure: the first row shows the query followed by its nearest
 * neighbours, the second row the query followed by its farthest images. Each tile is
 * framed (red for the query) and captioned with the lines it carries, such as class and
 * distance.
 */
export function renderNeighbourFigure(input: NeighbourFigureInput): RgbRaster {
  const neighbourCount = Math.max(input.nearest.length, input.farthest.length);
  const tileSize = input.imageWidth * input.scale;
  const layout = neighbourFigureLayout(tileSize, neighbourCount);
  const raster = new RgbRaster(layout.width, layout.height);

  raster.drawText(input.title, MARGIN, MARGIN, TEXT_SCALE, BLACK);

  const rows = [
    { heading: `${input.nearest.length} nearest (L2, smallest first)`, tiles: input.nearest, frame: NEAREST_FRAME },
    { heading: `${input.farthest.length} farthest (L2, largest first)`, tiles: input.farthest, frame: FARTHEST_FRAME },
  ];
  rows.forEach((row, rowIndex) => {
    const top = layout.rowTops[rowIndex];
    const tileTop = top + LINE_HEIGHT;
    const neighboursLeft = MARGIN + layout.slotWidth + QUERY_GAP;

    raster.drawText('query', MARGIN + (layout.slotWidth - GAP - measureText('query', TEXT_SCALE)) / 2, top, TEXT_SCALE, QUERY_FRAME);
    raster.drawText(row.heading, neighboursLeft, top, TEXT_SCALE, GREY);

    drawTile(raster, input, input.query, MARGIN, tileTop, layout, QUERY_FRAME);
    row.tiles.forEach((tile, column) => {
      drawTile(raster, input, tile, neighboursLeft + column * layout.slotWidth, tileTop, layout, row.frame);
    });
  });

  return raster;
}

function drawTile(
  raster: RgbRaster,
  input: NeighbourFigureInput,
  tile: FigureTile,
  slotLeft: number,
  top: number,
  layout: NeighbourFigureLayout,
  frame: Rgb,
): void {
  const innerWidth = layout.slotWidth - GAP;
  const imageLeft = slotLeft + Math.floor((innerWidth - layout.tileSize) / 2);
  const imageHeight = input.imageHeight * input.scale;

  raster.strokeRect(imageLeft, top, layout.tileSize, imageHeight, 2, frame);
  raster.drawImage(tile.pixels, input.imageHeight, input.imageWidth, input.channels, imageLeft, top, input.scale);

  tile.lines.slice(0, CAPTION_LINES).forEach((line, index) => {
    // A caption wider than the slot is drawn at half size rather than overlapping its neighbour.
    const scale = measureText(line, TEXT_SCALE) <= innerWidth ? TEXT_SCALE : 1;
    const left = slotLeft + Math.floor((innerWidth - measureText(line, scale)) / 2);
    raster.drawText(line, left, top + imageHeight + 8 + index * LINE_HEIGHT, scale, index === 0 ? BLACK : GREY);
  });
}

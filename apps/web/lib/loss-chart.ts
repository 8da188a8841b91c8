import type { EpochMetric } from './graphql/types';

export type LossKey = 'totalLoss' | 'localLoss' | 'globalLoss' | 'priorLoss';

export interface LossSeriesSpec {
  key: LossKey;
  label: string;
  /** CSS colour; the four are distinguishable with red-green colour blindness. */
  color: string;
  /** SVG dash pattern, so the series differ without colour too. */
  dash: string;
}

export const LOSS_SERIES: readonly LossSeriesSpec[] = [
  { key: 'totalLoss', label: 'Total', color: '#1f2937', dash: '' },
  { key: 'localLoss', label: 'Local', color: '#2563eb', dash: '6 3' },
  { key: 'globalLoss', label: 'Global', color: '#d97706', dash: '2 3' },
  { key: 'priorLoss', label: 'Prior', color: '#9333ea', dash: '8 3 2 3' },
];

export interface ChartBox {
  width: number;
  height: number;
  marginTop: number;
  marginRight: number;
  marginBottom: number;
  marginLeft: number;
}

export interface ChartPoint {
  epoch: number;
  value: number;
  x: number;
  y: number;
}

export interface ChartSeries extends LossSeriesSpec {
  points: ChartPoint[];
  /** SVG path data through the points in epoch order. */
  path: string;
}

export interface Tick {
  value: number;
  /** Position in SVG user units along the tick's axis. */
  position: number;
}

export interface LossChartLayout {
  series: ChartSeries[];
  xTicks: Tick[];
  yTicks: Tick[];
}

/**
 * Round tick values ("nice numbers": steps of 1, 2 or 5 times a power of ten) that cover
 * [min, max] with about `count` intervals.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    return [];
  }
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return niceTicks(min - pad, max + pad, count);
  }
  const rawStep = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(rawStep));
  const residual = rawStep / magnitude;
  let stepFactor = 1;
  if (residual > 5) {
    stepFactor = 10;
  } else if (residual > 2) {
    stepFactor = 5;
  } else if (residual > 1) {
    stepFactor = 2;
  }
  const step = stepFactor * magnitude;
  const first = Math.floor(min / step) * step;
  const last = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let value = first; value <= last + step / 2; value += step) {
    // Rounding to the step's precision removes float drift such as 0.30000000000000004.
    ticks.push(Number(value.toPrecision(12)));
  }
  return ticks;
}

/** Positions of the four loss curves and the axis ticks for an SVG of the given box. */
export function layoutLossChart(metrics: readonly EpochMetric[], box: ChartBox): LossChartLayout {
  const sorted = [...metrics].sort((a, b) => a.epoch - b.epoch);
  if (sorted.length === 0) {
    return { series: [], xTicks: [], yTicks: [] };
  }

  const values = sorted.flatMap((metric) => LOSS_SERIES.map((spec) => metric[spec.key])).filter(Number.isFinite);
  const yTickValues = niceTicks(Math.min(...values), Math.max(...values));
  const yMin = yTickValues[0];
  const yMax = yTickValues[yTickValues.length - 1];

  const firstEpoch = sorted[0].epoch;
  const lastEpoch = sorted[sorted.length - 1].epoch;
  const plotLeft = box.marginLeft;
  const plotRight = box.width - box.marginRight;
  const plotTop = box.marginTop;
  const plotBottom = box.height - box.marginBottom;

  // A single epoch sits in the middle of the plot instead of on its left edge.
  const xOf = (epoch: number) =>
    firstEpoch === lastEpoch
      ? (plotLeft + plotRight) / 2
      : plotLeft + ((epoch - firstEpoch) / (lastEpoch - firstEpoch)) * (plotRight - plotLeft);
  const yOf = (value: number) => plotBottom - ((value - yMin) / (yMax - yMin)) * (plotBottom - plotTop);

  const series = LOSS_SERIES.map((spec) => {
    const points = sorted
      .filter((metric) => Number.isFinite(metric[spec.key]))
      .map((metric) => ({ epoch: metric.epoch, value: metric[spec.key], x: xOf(metric.epoch), y: yOf(metric[spec.key]) }));
    const path = points.map((point, index) => `${index === 0 ? 'M' : 'L'}${round2(point.x)},${round2(point.y)}`).join(' ');
    return { ...spec, points, path };
  });

  const epochs = sorted.map((metric) => metric.epoch);
  const xTickValues = epochs.length <= 10 ? epochs : niceTicks(firstEpoch, lastEpoch, 8).filter((e) => e >= firstEpoch && e <= lastEpoch && Number.isInteger(e));

  return {
    series,
    xTicks: xTickValues.map((value) => ({ value, position: xOf(value) })),
    yTicks: yTickValues.map((value) => ({ value, position: yOf(value) })),
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

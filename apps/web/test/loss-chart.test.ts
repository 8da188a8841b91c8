import type { EpochMetric } from '../lib/graphql/types';
import { layoutLossChart, niceTicks, type ChartBox } from '../lib/loss-chart';

const box: ChartBox = { width: 200, height: 100, marginTop: 10, marginRight: 10, marginBottom: 10, marginLeft: 10 };

function metric(epoch: number, totalLoss: number): EpochMetric {
  return {
    epoch,
    totalLoss,
    localLoss: totalLoss / 2,
    globalLoss: totalLoss / 4,
    priorLoss: totalLoss / 8,
    discriminatorLoss: 1,
    imagesPerSecond: 100,
    durationSeconds: 10,
  };
}

describe('niceTicks', () => {
  it.each([
    [0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [0.13, 0.87, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [-1.5, 3.2, [-2, -1, 0, 1, 2, 3, 4]],
    [10, 95, [0, 20, 40, 60, 80, 100]],
  ])('covers [%p, %p] with round steps', (min, max, expected) => {
    expect(niceTicks(min, max)).toEqual(expected);
  });

  it('widens a zero-height range', () => {
    const ticks = niceTicks(2, 2);
    expect(ticks[0]).toBeLessThan(2);
    expect(ticks[ticks.length - 1]).toBeGreaterThan(2);
  });

  it('returns no ticks for non-finite bounds', () => {
    expect(niceTicks(Number.NaN, 1)).toEqual([]);
  });
});

describe('layoutLossChart', () => {
  it('returns nothing for no epochs', () => {
    expect(layoutLossChart([], box)).toEqual({ series: [], xTicks: [], yTicks: [] });
  });

  it('places epochs from the left to the right edge of the plot, sorted', () => {
    const layout = layoutLossChart([metric(3, 1), metric(1, 4), metric(2, 2)], box);
    const total = layout.series.find((series) => series.key === 'totalLoss')!;
    expect(total.points.map((point) => point.epoch)).toEqual([1, 2, 3]);
    expect(total.points[0].x).toBe(10);
    expect(total.points[2].x).toBe(190);
    expect(total.path.startsWith('M10,')).toBe(true);
  });

  it('puts larger losses higher and keeps every point inside the plot', () => {
    const layout = layoutLossChart([metric(1, 4), metric(2, 2)], box);
    const total = layout.series.find((series) => series.key === 'totalLoss')!;
    expect(total.points[0].y).toBeLessThan(total.points[1].y);
    for (const series of layout.series) {
      for (const point of series.points) {
        expect(point.y).toBeGreaterThanOrEqual(10);
        expect(point.y).toBeLessThanOrEqual(90);
      }
    }
  });

  it('draws all four losses and centres a single epoch', () => {
    const layout = layoutLossChart([metric(1, 2)], box);
    expect(layout.series.map((series) => series.key)).toEqual(['totalLoss', 'localLoss', 'globalLoss', 'priorLoss']);
    expect(layout.series[0].points[0].x).toBe(100);
    expect(layout.xTicks).toEqual([{ value: 1, position: 100 }]);
  });

  it('thins the epoch ticks of long runs to whole epochs', () => {
    const metrics = Array.from({ length: 50 }, (_, index) => metric(index + 1, 1 / (index + 1)));
    const ticks = layoutLossChart(metrics, box).xTicks;
    expect(ticks.length).toBeLessThanOrEqual(10);
    expect(ticks.every((tick) => Number.isInteger(tick.value) && tick.value >= 1 && tick.value <= 50)).toBe(true);
  });
});

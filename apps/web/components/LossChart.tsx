'use client';

import { formatLoss } from '../lib/format';
import type { EpochMetric } from '../lib/graphql/types';
import { useElementWidth } from '../lib/hooks/useElementWidth';
import { layoutLossChart, type ChartBox } from '../lib/loss-chart';

/** Widest the plot grows; wider charts only stretch the lines. */
const MAX_WIDTH = 900;
const MIN_WIDTH = 280;

/**
 * Renders the total, local, global and prior losses by epoch as an SVG line chart with a
 * legend. The SVG is laid out at its measured width, in pixels, so tick labels keep their
 * size on a phone instead of shrinking with a scaled drawing.
 */
export function LossChart({ metrics }: { metrics: EpochMetric[] }) {
  const [containerRef, containerWidth] = useElementWidth<HTMLElement>(640);
  const width = Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, containerWidth));
  const box: ChartBox = { width, height: 280, marginTop: 12, marginRight: 16, marginBottom: 40, marginLeft: 56 };
  const layout = layoutLossChart(metrics, box);
  const plotBottom = box.height - box.marginBottom;
  const plotRight = box.width - box.marginRight;
  const summary = layout.series
    .map((series) => `${series.label} ${formatLoss(series.points[series.points.length - 1]?.value)}`)
    .join(', ');

  return (
    <figure className="loss-chart" ref={containerRef}>
      <svg
        width={box.width}
        height={box.height}
        viewBox={`0 0 ${box.width} ${box.height}`}
        role="img"
        aria-label={`Losses over ${metrics.length} epochs; last epoch: ${summary}. The epoch table below lists every value.`}
      >
        {layout.yTicks.map((tick) => (
          <g key={`y${tick.value}`}>
            <line x1={box.marginLeft} x2={plotRight} y1={tick.position} y2={tick.position} className="chart-grid" />
            <text x={box.marginLeft - 8} y={tick.position} dy="0.32em" textAnchor="end" className="chart-tick">
              {tick.value}
            </text>
          </g>
        ))}
        {layout.xTicks.map((tick) => (
          <text key={`x${tick.value}`} x={tick.position} y={plotBottom + 18} textAnchor="middle" className="chart-tick">
            {tick.value}
          </text>
        ))}
        <line x1={box.marginLeft} x2={plotRight} y1={plotBottom} y2={plotBottom} className="chart-axis" />
        <text x={(box.marginLeft + plotRight) / 2} y={box.height - 4} textAnchor="middle" className="chart-label">
          Epoch
        </text>
        <text
          transform={`translate(14 ${(box.marginTop + plotBottom) / 2}) rotate(-90)`}
          textAnchor="middle"
          className="chart-label"
        >
          Loss
        </text>
        {layout.series.map((series) => (
          <g key={series.key}>
            <path d={series.path} fill="none" stroke={series.color} strokeWidth={2} strokeDasharray={series.dash} />
            {series.points.map((point) => (
              <circle key={point.epoch} cx={point.x} cy={point.y} r={3} fill={series.color}>
                <title>{`${series.label} loss, epoch ${point.epoch}: ${formatLoss(point.value)}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      <figcaption>
        <ul className="chart-legend">
          {layout.series.map((series) => (
            <li key={series.key}>
              <svg width="28" height="10" aria-hidden="true">
                <line x1="0" x2="28" y1="5" y2="5" stroke={series.color} strokeWidth={2} strokeDasharray={series.dash} />
              </svg>
              {series.label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

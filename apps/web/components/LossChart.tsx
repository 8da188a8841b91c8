import { formatLoss } from '../lib/format';
import type { EpochMetric } from '../lib/graphql/types';
import { layoutLossChart, type ChartBox } from '../lib/loss-chart';

// SVG user units; the SVG scales to its container's width and keeps this aspect ratio.
const BOX: ChartBox = { width: 640, height: 280, marginTop: 12, marginRight: 16, marginBottom: 40, marginLeft: 64 };

/** Total, local, global and prior losses by epoch as an SVG line chart with a legend. */
export function LossChart({ metrics }: { metrics: EpochMetric[] }) {
  const layout = layoutLossChart(metrics, BOX);
  const plotBottom = BOX.height - BOX.marginBottom;
  const plotRight = BOX.width - BOX.marginRight;
  const summary = layout.series
    .map((series) => `${series.label} ${formatLoss(series.points[series.points.length - 1]?.value)}`)
    .join(', ');

  return (
    <figure className="loss-chart">
      <svg
        viewBox={`0 0 ${BOX.width} ${BOX.height}`}
        role="img"
        aria-label={`Losses over ${metrics.length} epochs; last epoch: ${summary}. The epoch table below lists every value.`}
      >
        {layout.yTicks.map((tick) => (
          <g key={`y${tick.value}`}>
            <line x1={BOX.marginLeft} x2={plotRight} y1={tick.position} y2={tick.position} className="chart-grid" />
            <text x={BOX.marginLeft - 8} y={tick.position} dy="0.32em" textAnchor="end" className="chart-tick">
              {tick.value}
            </text>
          </g>
        ))}
        {layout.xTicks.map((tick) => (
          <text key={`x${tick.value}`} x={tick.position} y={plotBottom + 18} textAnchor="middle" className="chart-tick">
            {tick.value}
          </text>
        ))}
        <line x1={BOX.marginLeft} x2={plotRight} y1={plotBottom} y2={plotBottom} className="chart-axis" />
        <text x={(BOX.marginLeft + plotRight) / 2} y={BOX.height - 4} textAnchor="middle" className="chart-label">
          Epoch
        </text>
        <text
          transform={`translate(14 ${(BOX.marginTop + plotBottom) / 2}) rotate(-90)`}
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

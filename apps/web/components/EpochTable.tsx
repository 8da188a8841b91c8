import { formatDuration, formatImagesPerSecond, formatLoss } from '../lib/format';
import type { EpochMetric } from '../lib/graphql/types';

/** Tabulates every epoch's losses, throughput and duration, the numbers behind the loss chart. */
export function EpochTable({ metrics }: { metrics: EpochMetric[] }) {
  return (
    <div className="table-scroll" role="region" aria-label="Losses by epoch" tabIndex={0}>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col" className="numeric">
              Epoch
            </th>
            <th scope="col" className="numeric">
              Total
            </th>
            <th scope="col" className="numeric">
              Local
            </th>
            <th scope="col" className="numeric">
              Global
            </th>
            <th scope="col" className="numeric">
              Prior
            </th>
            <th scope="col" className="numeric">
              Discriminator
            </th>
            <th scope="col" className="numeric">
              Throughput
            </th>
            <th scope="col" className="numeric">
              Duration
            </th>
          </tr>
        </thead>
        <tbody>
          {metrics.map((metric) => (
            <tr key={metric.epoch}>
              <th scope="row" className="numeric">
                {metric.epoch}
              </th>
              <td className="numeric">{formatLoss(metric.totalLoss)}</td>
              <td className="numeric">{formatLoss(metric.localLoss)}</td>
              <td className="numeric">{formatLoss(metric.globalLoss)}</td>
              <td className="numeric">{formatLoss(metric.priorLoss)}</td>
              <td className="numeric">{formatLoss(metric.discriminatorLoss)}</td>
              <td className="numeric">{formatImagesPerSecond(metric.imagesPerSecond)}</td>
              <td className="numeric">{formatDuration(metric.durationSeconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

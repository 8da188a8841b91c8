import Link from 'next/link';
import { formatCount, formatDateTime, formatDuration, MISSING } from '../lib/format';
import type { RunSummary } from '../lib/graphql/runs';
import { RunProgressCell } from './RunProgressCell';
import { StatusBadge } from './StatusBadge';

export function RunsTable({ runs }: { runs: RunSummary[] }) {
  return (
    <div className="table-scroll" role="region" aria-label="Training runs" tabIndex={0}>
      <table className="data-table runs-table stacked-on-phone">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">Preset</th>
            <th scope="col">Data set</th>
            <th scope="col" className="numeric">
              Epochs
            </th>
            <th scope="col" className="numeric">
              Embeddings
            </th>
            <th scope="col">Started</th>
            <th scope="col">Finished</th>
            <th scope="col" className="numeric">
              Duration
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <th scope="row">
                <Link href={`/runs/${run.id}`}>Run {run.id}</Link>
              </th>
              <td data-label="Status">
                <StatusBadge status={run.status} />
              </td>
              <td data-label="Progress" className="progress-cell">
                <RunProgressCell run={run} />
              </td>
              <td data-label="Preset">{run.config.preset}</td>
              <td data-label="Data set">{run.dataset.name}</td>
              <td data-label="Epochs" className="numeric">{run.config.epochs}</td>
              <td data-label="Embeddings" className="numeric">{run.embeddingCount > 0 ? formatCount(run.embeddingCount) : MISSING}</td>
              <td data-label="Started">{formatDateTime(run.startedAt)}</td>
              <td data-label="Finished">{formatDateTime(run.finishedAt)}</td>
              <td data-label="Duration" className="numeric">{formatDuration(run.durationSeconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

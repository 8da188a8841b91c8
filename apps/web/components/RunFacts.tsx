import { formatCount, formatDateTime, formatDuration, formatImagesPerSecond, MISSING } from '../lib/format';
import type { RunDetail } from '../lib/graphql/runs';

/** Lists where, when and how fast a run ran: backend, timestamps, duration, throughput. */
export function RunFacts({ run }: { run: RunDetail }) {
  const lastMetric = run.metrics[run.metrics.length - 1];
  const imagesPerSecond = run.progress?.imagesPerSecond ?? lastMetric?.imagesPerSecond ?? null;
  const entries: [string, string][] = [
    ['Data set', run.dataset.name],
    ['Backend used', run.backend ?? (run.status === 'QUEUED' ? 'not started yet' : MISSING)],
    ['Embedding dimension', String(run.embeddingDim)],
    ['Embeddings stored', run.embeddingCount > 0 ? formatCount(run.embeddingCount) : MISSING],
    ['Created', formatDateTime(run.createdAt)],
    ['Started', formatDateTime(run.startedAt)],
    ['Finished', formatDateTime(run.finishedAt)],
    ['Duration', formatDuration(run.durationSeconds)],
    ['Throughput', formatImagesPerSecond(imagesPerSecond)],
  ];
  // A run stored by `trainer embed` was trained before it was created, so its duration covers
  // the embedding only. The epochs' own times give the training time for every run.
  if (run.metrics.length > 0) {
    const trainingSeconds = run.metrics.reduce((sum, metric) => sum + metric.durationSeconds, 0);
    entries.splice(entries.length - 1, 0, ['Training time (sum of epochs)', formatDuration(trainingSeconds)]);
  }
  if (run.progress?.etaSeconds != null && (run.status === 'RUNNING' || run.status === 'EMBEDDING')) {
    entries.push(['Estimated time left', formatDuration(run.progress.etaSeconds)]);
  }
  return (
    <dl className="key-values">
      {entries.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

import { formatDateTime, formatPercent } from '../lib/format';
import type { RetrievalMetrics } from '../lib/graphql/types';

/** Retrieval quality of a completed run's embeddings, as computed by the worker. */
export function RetrievalFigures({ retrieval }: { retrieval: RetrievalMetrics }) {
  return (
    <>
      <dl className="figures">
        <div>
          <dt>kNN accuracy, k = 20</dt>
          <dd>{formatPercent(retrieval.knn20Accuracy)}</dd>
        </div>
        <div>
          <dt>kNN accuracy, k = 200</dt>
          <dd>{formatPercent(retrieval.knn200Accuracy)}</dd>
        </div>
        <div>
          <dt>Precision at 10</dt>
          <dd>{formatPercent(retrieval.precisionAt10)}</dd>
        </div>
      </dl>
      <p className="hint">
        kNN accuracy is the share of test images whose label is predicted correctly from the labels of their k nearest train images (L2 distance).
        Precision at 10 is the share of an image&apos;s 10 nearest neighbours that have its label. Computed{' '}
        {formatDateTime(retrieval.computedAt)}.
      </p>
    </>
  );
}

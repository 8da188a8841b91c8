'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useCallback } from 'react';
import { useQuery } from 'urql';
import { TRAINING_RUNS_QUERY } from '../lib/graphql/runs';
import { useLastDefined } from '../lib/hooks/useLastDefined';
import { usePolling } from '../lib/hooks/usePolling';
import { hasActiveRun, POLL_INTERVAL_MS } from '../lib/runs';
import { parseRunsPage, RUNS_PER_PAGE } from '../lib/search-params';
import { EmptyState } from './EmptyState';
import { ErrorMessage } from './ErrorMessage';
import { LoadingMessage } from './LoadingMessage';
import { RunsPager } from './RunsPager';
import { RunsTable } from './RunsTable';

/** Renders the training runs page, refreshed every 2 s while a run is queued, running or embedding. */
export function RunsView() {
  const { state: page, problems } = parseRunsPage(useSearchParams());
  const [result, reexecute] = useQuery({
    query: TRAINING_RUNS_QUERY,
    variables: { page: { offset: (page - 1) * RUNS_PER_PAGE, limit: RUNS_PER_PAGE } },
    requestPolicy: 'network-only',
  });
  const runs = useLastDefined(result.data?.trainingRuns, page);
  const polling = runs ? hasActiveRun(runs) : false;

  const refresh = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  usePolling(refresh, POLL_INTERVAL_MS, polling);

  return (
    <>
      <div className="page-heading">
        <h1>Training runs</h1>
        <Link href="/runs/new" className="button button-primary">
          Start training
        </Link>
      </div>
      {polling ? (
        <p className="live-note">
          <span className="live-dot" aria-hidden="true" /> A run is active, so this table refreshes every{' '}
          {POLL_INTERVAL_MS / 1000} s.
        </p>
      ) : null}
      {problems.length > 0 ? <ErrorMessage title="Some URL parameters were ignored." messages={problems} /> : null}
      {result.error ? <ErrorMessage title="Could not load the training runs." error={result.error} /> : null}
      {runs === undefined && !result.error ? <LoadingMessage>Loading training runs…</LoadingMessage> : null}
      {runs !== undefined && runs.length === 0 && page === 1 ? (
        <EmptyState title="No training runs yet" action={{ href: '/runs/new', label: 'Start a training run' }}>
          <p>
            A training run learns image embeddings with Deep InfoMax and stores one embedding per image. Start one to
            search for similar images.
          </p>
        </EmptyState>
      ) : null}
      {runs !== undefined && runs.length > 0 ? <RunsTable runs={runs} /> : null}
      {runs !== undefined ? <RunsPager page={page} shown={runs.length} pageSize={RUNS_PER_PAGE} /> : null}
    </>
  );
}

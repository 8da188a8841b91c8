'use client';

import Link from 'next/link';
import { useCallback } from 'react';
import { useQuery } from 'urql';
import { TRAINING_RUNS_QUERY } from '../lib/graphql/runs';
import { useLastDefined } from '../lib/hooks/useLastDefined';
import { usePolling } from '../lib/hooks/usePolling';
import { hasActiveRun, POLL_INTERVAL_MS } from '../lib/runs';
import { EmptyState } from './EmptyState';
import { ErrorMessage } from './ErrorMessage';
import { LoadingMessage } from './LoadingMessage';
import { RunsTable } from './RunsTable';

/** Renders the training runs page, refreshed every 2 s while a run is queued, running or embedding. */
export function RunsView() {
  const [result, reexecute] = useQuery({ query: TRAINING_RUNS_QUERY, requestPolicy: 'network-only' });
  const runs = useLastDefined(result.data?.trainingRuns);
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
      {result.error ? <ErrorMessage title="Could not load the training runs." error={result.error} /> : null}
      {runs === undefined && !result.error ? <LoadingMessage>Loading training runs…</LoadingMessage> : null}
      {runs !== undefined && runs.length === 0 ? (
        <EmptyState title="No training runs yet" action={{ href: '/runs/new', label: 'Start a training run' }}>
          <p>
            A training run learns image embeddings with Deep InfoMax and stores one embedding per image. Start one to
            search for similar images.
          </p>
        </EmptyState>
      ) : null}
      {runs !== undefined && runs.length > 0 ? <RunsTable runs={runs} /> : null}
    </>
  );
}

'use client';

import Link from 'next/link';
import { useCallback } from 'react';
import { useQuery } from 'urql';
import { TRAINING_RUN_QUERY } from '../lib/graphql/runs';
import { useLastDefined } from '../lib/hooks/useLastDefined';
import { usePolling } from '../lib/hooks/usePolling';
import { isActiveStatus, isSearchableRun, POLL_INTERVAL_MS, runCompletion } from '../lib/runs';
import { CancelRunButton } from './CancelRunButton';
import { CheckpointTable } from './CheckpointTable';
import { EmptyState } from './EmptyState';
import { EpochTable } from './EpochTable';
import { ErrorMessage } from './ErrorMessage';
import { LoadingMessage } from './LoadingMessage';
import { LossChart } from './LossChart';
import { ProgressBar } from './ProgressBar';
import { RetrievalFigures } from './RetrievalFigures';
import { RunConfigList } from './RunConfigList';
import { RunFacts } from './RunFacts';
import { StatusBadge } from './StatusBadge';

/** Renders one run: facts, configuration, loss chart, checkpoints, error and retrieval quality. */
export function RunDetailView({ runId }: { runId: number }) {
  const [result, reexecute] = useQuery({
    query: TRAINING_RUN_QUERY,
    variables: { id: runId },
    requestPolicy: 'network-only',
  });
  const run = useLastDefined(result.data?.trainingRun ?? undefined, runId);
  const active = run ? isActiveStatus(run.status) : false;

  const refresh = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  usePolling(refresh, POLL_INTERVAL_MS, active);

  if (result.data && result.data.trainingRun === null) {
    return (
      <EmptyState title={`Run ${runId} not found`} action={{ href: '/runs', label: 'Show all training runs' }}>
        <p>No training run has the id {runId}. It may have been deleted, or the link is wrong.</p>
      </EmptyState>
    );
  }

  return (
    <>
      <p className="breadcrumb">
        <Link href="/runs">Training runs</Link> / Run {runId}
      </p>
      <div className="page-heading">
        <h1>
          Run {runId} {run ? <StatusBadge status={run.status} /> : null}
        </h1>
        {run && isSearchableRun(run) ? (
          <Link href={`/neighbours?run=${run.id}`} className="button">
            Search neighbours with this run
          </Link>
        ) : null}
      </div>
      {result.error ? <ErrorMessage title={`Could not load run ${runId}.`} error={result.error} /> : null}
      {!run && !result.error ? <LoadingMessage>{`Loading run ${runId}…`}</LoadingMessage> : null}
      {run ? (
        <>
          {active || run.progress ? (
            <section className="panel" aria-labelledby="progress-heading">
              <h2 id="progress-heading">Progress</h2>
              <ProgressBar
                fraction={runCompletion(run)}
                label={`Progress of run ${run.id}`}
                detail={
                  run.progress
                    ? `epoch ${run.progress.epoch} of ${run.progress.epochs}, step ${run.progress.step} of ${run.progress.stepsPerEpoch}`
                    : undefined
                }
              />
              {active ? (
                <p className="live-note">
                  <span className="live-dot" aria-hidden="true" /> Refreshing every {POLL_INTERVAL_MS / 1000} s.
                </p>
              ) : null}
              {active ? <CancelRunButton runId={run.id} onCancelled={refresh} /> : null}
            </section>
          ) : null}

          {run.status === 'FAILED' ? (
            <section className="panel panel-error" aria-labelledby="failure-heading">
              <h2 id="failure-heading">Error</h2>
              <pre className="run-error">{run.error ?? 'The worker reported a failure without a message.'}</pre>
            </section>
          ) : null}

          <div className="detail-columns">
            <section className="panel" aria-labelledby="facts-heading">
              <h2 id="facts-heading">Run</h2>
              <RunFacts run={run} />
            </section>
            <section className="panel" aria-labelledby="config-heading">
              <h2 id="config-heading">Configuration</h2>
              <RunConfigList config={run.config} />
            </section>
          </div>

          <section className="panel" aria-labelledby="losses-heading">
            <h2 id="losses-heading">Losses by epoch</h2>
            {run.metrics.length > 0 ? (
              <>
                <LossChart metrics={run.metrics} />
                <EpochTable metrics={run.metrics} />
              </>
            ) : (
              <p className="hint">No epoch has finished yet. The chart appears after the first epoch.</p>
            )}
          </section>

          <section className="panel" aria-labelledby="retrieval-heading">
            <h2 id="retrieval-heading">Retrieval quality</h2>
            {run.retrieval ? (
              <RetrievalFigures retrieval={run.retrieval} />
            ) : (
              <p className="hint">
                {run.status === 'COMPLETED'
                  ? 'Not computed for this run yet.'
                  : 'Computed after the run has written its embeddings.'}
              </p>
            )}
          </section>

          <section className="panel" aria-labelledby="checkpoints-heading">
            <h2 id="checkpoints-heading">Checkpoints</h2>
            {run.checkpoints.length > 0 ? (
              <CheckpointTable checkpoints={run.checkpoints} />
            ) : (
              <p className="hint">No checkpoint written yet.</p>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}

'use client';

import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { useClient, useQuery, type CombinedError } from 'urql';
import { RANDOM_IMAGE_QUERY } from '../lib/graphql/images';
import { NEIGHBOURS_QUERY } from '../lib/graphql/neighbours';
import { TRAINING_RUNS_QUERY } from '../lib/graphql/runs';
import { isSearchableRun } from '../lib/runs';
import { MAX_PAGE_SIZE, neighboursHref, parseNeighboursParams, type NeighboursState } from '../lib/search-params';
import { EmptyState } from './EmptyState';
import { ErrorMessage } from './ErrorMessage';
import { LoadingMessage } from './LoadingMessage';
import { NeighbourControls } from './NeighbourControls';
import { NeighbourRow } from './NeighbourRow';

/**
 * Renders the neighbours page: a query image with its k nearest and k farthest images under one
 * run. The URL stores the state (/neighbours?id=..&k=..&run=..), and clicking a result makes
 * it the query.
 */
export function NeighboursView() {
  const router = useRouter();
  const searchParams = useSearchParams();
  const { state, problems } = parseNeighboursParams(searchParams);
  const client = useClient();
  const [randomError, setRandomError] = useState<CombinedError | undefined>();
  const [randomMessage, setRandomMessage] = useState<string | undefined>();
  const [randomPending, setRandomPending] = useState(false);

  // The run picker lists completed runs among the newest 200.
  const [runsResult] = useQuery({
    query: TRAINING_RUNS_QUERY,
    variables: { page: { offset: 0, limit: MAX_PAGE_SIZE } },
    requestPolicy: 'cache-and-network',
  });
  const searchableRuns = (runsResult.data?.trainingRuns ?? [])
    .filter(isSearchableRun)
    .sort((a, b) => b.id - a.id);

  const noEmbeddings = runsResult.data !== undefined && searchableRuns.length === 0;

  // Without a completed run the API can only return an error, and the empty state below
  // already shows the next step.
  const [neighboursResult] = useQuery({
    query: NEIGHBOURS_QUERY,
    variables: { id: state.imageId ?? 0, k: state.k, runId: state.runId },
    pause: state.imageId == null || noEmbeddings,
  });
  const result = neighboursResult.data;

  const show = (next: NeighboursState) => router.push(neighboursHref(next));
  const hrefFor = (imageId: number) => neighboursHref({ ...state, imageId });

  const pickRandom = async (next: Omit<NeighboursState, 'imageId'>) => {
    setRandomPending(true);
    setRandomError(undefined);
    setRandomMessage(undefined);
    const response = await client
      .query(RANDOM_IMAGE_QUERY, { datasetId: result?.nearest.query.dataset.id ?? null }, { requestPolicy: 'network-only' })
      .toPromise();
    setRandomPending(false);
    if (response.error) {
      setRandomError(response.error);
    } else if (!response.data?.randomImage) {
      setRandomMessage('The API has no images to pick from. Register a data set first.');
    } else {
      show({ ...next, imageId: response.data.randomImage.id });
    }
  };

  return (
    <>
      <h1>Nearest and farthest neighbours</h1>
      {problems.length > 0 ? <ErrorMessage title="Some URL parameters were ignored." messages={problems} /> : null}
      {runsResult.error ? <ErrorMessage title="Could not load the training runs." error={runsResult.error} /> : null}

      {noEmbeddings ? (
        <EmptyState title="No embeddings yet" action={{ href: '/runs/new', label: 'Start a training run' }}>
          <p>
            Neighbours are found by the L2 distance between image embeddings, which a completed training run writes.
            Start a run and come back when it has completed.
          </p>
        </EmptyState>
      ) : (
        <NeighbourControls
          key={searchParams.toString()}
          state={state}
          runs={searchableRuns}
          onSubmit={show}
          onRandom={pickRandom}
          randomPending={randomPending}
        />
      )}

      {randomError ? <ErrorMessage title="Could not pick a random image." error={randomError} /> : null}
      {randomMessage ? <ErrorMessage title="Could not pick a random image." messages={[randomMessage]} /> : null}

      {state.imageId == null && !noEmbeddings ? (
        <p className="hint">
          Enter an image id, pick a random image, or choose one in the <Link href="/images">image explorer</Link>.
        </p>
      ) : null}

      {state.imageId != null && !noEmbeddings && neighboursResult.error ? (
        <ErrorMessage title={`Could not find the neighbours of image ${state.imageId}.`} error={neighboursResult.error} />
      ) : null}
      {state.imageId != null && !noEmbeddings && !result && !neighboursResult.error ? (
        <LoadingMessage>{`Loading the neighbours of image ${state.imageId}…`}</LoadingMessage>
      ) : null}

      {result && !noEmbeddings ? (
        <div className="neighbour-results" aria-busy={neighboursResult.fetching}>
          <p className="neighbour-summary">
            Query: image {result.nearest.query.id} ({result.nearest.query.labelName}) of {result.nearest.query.dataset.name}
            , embeddings of <Link href={`/runs/${result.nearest.run.id}`}>run {result.nearest.run.id}</Link> (
            {result.nearest.run.embeddingDim} dimensions), L2 distance.
          </p>
          <NeighbourRow
            id="nearest-heading"
            title={`${result.nearest.neighbours.length} nearest`}
            query={result.nearest.query}
            neighbours={result.nearest.neighbours}
            hrefFor={(image) => hrefFor(image.id)}
          />
          <NeighbourRow
            id="farthest-heading"
            title={`${result.farthest.neighbours.length} farthest`}
            query={result.farthest.query}
            neighbours={result.farthest.neighbours}
            hrefFor={(image) => hrefFor(image.id)}
          />
        </div>
      ) : null}
    </>
  );
}

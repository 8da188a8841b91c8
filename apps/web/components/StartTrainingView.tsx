'use client';

import { useQuery } from 'urql';
import { DATASETS_QUERY } from '../lib/graphql/runs';
import { EmptyState } from './EmptyState';
import { ErrorMessage } from './ErrorMessage';
import { LoadingMessage } from './LoadingMessage';
import { StartTrainingForm } from './StartTrainingForm';

/** Renders the start-training page: loads the registered data sets, then shows the form. */
export function StartTrainingView() {
  const [result] = useQuery({ query: DATASETS_QUERY });
  const datasets = result.data?.datasets;
  return (
    <>
      <h1>Start training</h1>
      {result.error ? <ErrorMessage title="Could not load the data sets." error={result.error} /> : null}
      {!datasets && !result.error ? <LoadingMessage>Loading data sets…</LoadingMessage> : null}
      {datasets && datasets.length === 0 ? (
        <EmptyState title="No data sets registered">
          <p>
            A run trains on a registered data set. Register CIFAR-10 or Fashion-MNIST in the database with the
            trainer&apos;s command line first, then reload this page.
          </p>
        </EmptyState>
      ) : null}
      {datasets && datasets.length > 0 ? <StartTrainingForm datasets={datasets} /> : null}
    </>
  );
}

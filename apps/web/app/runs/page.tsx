import type { Metadata } from 'next';
import { Suspense } from 'react';
import { LoadingMessage } from '../../components/LoadingMessage';
import { RunsView } from '../../components/RunsView';

export const metadata: Metadata = { title: 'Training runs' };

export default function RunsPage() {
  // useSearchParams renders only in the browser, so the page needs a Suspense boundary.
  return (
    <Suspense fallback={<LoadingMessage>Loading training runs…</LoadingMessage>}>
      <RunsView />
    </Suspense>
  );
}

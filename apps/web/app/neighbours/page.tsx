import type { Metadata } from 'next';
import { Suspense } from 'react';
import { LoadingMessage } from '../../components/LoadingMessage';
import { NeighboursView } from '../../components/NeighboursView';

export const metadata: Metadata = { title: 'Neighbours' };

export default function NeighboursPage() {
  // useSearchParams renders only in the browser, so the page needs a Suspense boundary.
  return (
    <Suspense fallback={<LoadingMessage>Loading…</LoadingMessage>}>
      <NeighboursView />
    </Suspense>
  );
}

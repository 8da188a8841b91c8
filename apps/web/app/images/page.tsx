import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ImageExplorerView } from '../../components/ImageExplorerView';
import { LoadingMessage } from '../../components/LoadingMessage';

export const metadata: Metadata = { title: 'Images' };

export default function ImagesPage() {
  // useSearchParams renders only in the browser, so the page needs a Suspense boundary.
  return (
    <Suspense fallback={<LoadingMessage>Loading images…</LoadingMessage>}>
      <ImageExplorerView />
    </Suspense>
  );
}

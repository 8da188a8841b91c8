'use client';

import { useRouter, useSearchParams } from 'next/navigation';
import { useQuery } from 'urql';
import { IMAGES_QUERY } from '../lib/graphql/images';
import { DATASETS_QUERY } from '../lib/graphql/runs';
import { explorerHref, IMAGES_PER_PAGE, parseExplorerParams, type ExplorerState } from '../lib/search-params';
import { EmptyState } from './EmptyState';
import { ErrorMessage } from './ErrorMessage';
import { ImageFilters } from './ImageFilters';
import { ImageGrid } from './ImageGrid';
import { LoadingMessage } from './LoadingMessage';
import { Pager } from './Pager';

/** Renders the image explorer: a paged grid filtered by data set, split and label, kept in the URL. */
export function ImageExplorerView() {
  const router = useRouter();
  const searchParams = useSearchParams();
  const { state, problems } = parseExplorerParams(searchParams);

  const [datasetsResult] = useQuery({ query: DATASETS_QUERY });
  const [imagesResult] = useQuery({
    query: IMAGES_QUERY,
    variables: {
      filter: { datasetId: state.datasetId, split: state.split, label: state.label },
      page: { offset: (state.page - 1) * IMAGES_PER_PAGE, limit: IMAGES_PER_PAGE },
    },
  });

  const datasets = datasetsResult.data?.datasets ?? [];
  const page = imagesResult.data?.images;
  const filtered = state.datasetId != null || state.split != null || state.label != null;
  const hrefForPage = (pageNumber: number) => explorerHref({ ...state, page: pageNumber });
  const onFiltersChange = (next: ExplorerState) => router.push(explorerHref(next));

  return (
    <>
      <h1>Images</h1>
      <p className="hint">Select an image to see its nearest and farthest neighbours.</p>
      {problems.length > 0 ? <ErrorMessage title="Some URL parameters were ignored." messages={problems} /> : null}
      {datasetsResult.error ? <ErrorMessage title="Could not load the data sets." error={datasetsResult.error} /> : null}
      <ImageFilters datasets={datasets} state={state} onChange={onFiltersChange} />
      {imagesResult.error ? <ErrorMessage title="Could not load the images." error={imagesResult.error} /> : null}
      {!page && !imagesResult.error ? <LoadingMessage>Loading images…</LoadingMessage> : null}
      {page && page.totalCount === 0 && !filtered ? (
        <EmptyState title="No images registered">
          <p>Register a data set with the trainer&apos;s command line; its images then appear here.</p>
        </EmptyState>
      ) : null}
      {page && page.totalCount === 0 && filtered ? (
        <EmptyState title="No images match these filters" action={{ href: '/images', label: 'Clear the filters' }}>
          <p>Choose another data set, split or label.</p>
        </EmptyState>
      ) : null}
      {page && page.totalCount > 0 && page.items.length === 0 ? (
        <EmptyState title={`Page ${state.page} is past the last image`} action={{ href: hrefForPage(1), label: 'Go to page 1' }}>
          <p>These filters match {page.totalCount} images.</p>
        </EmptyState>
      ) : null}
      {page && page.items.length > 0 ? (
        <>
          <Pager page={state.page} pageSize={IMAGES_PER_PAGE} totalCount={page.totalCount} hrefForPage={hrefForPage} label="Pages above the grid" />
          <ImageGrid images={page.items} />
          <Pager page={state.page} pageSize={IMAGES_PER_PAGE} totalCount={page.totalCount} hrefForPage={hrefForPage} label="Pages below the grid" />
        </>
      ) : null}
    </>
  );
}

import Link from 'next/link';
import { runsHref } from '../lib/search-params';

interface RunsPagerProps {
  /** 1-based */
  page: number;
  /** Runs shown on this page. */
  shown: number;
  pageSize: number;
}

/**
 * Renders newer and older links of the runs table. The API returns no total count of runs,
 * so a full page is taken to mean that older runs may exist.
 */
export function RunsPager({ page, shown, pageSize }: RunsPagerProps) {
  const first = (page - 1) * pageSize + 1;
  const hasOlder = shown === pageSize;
  if (page === 1 && !hasOlder) {
    return null;
  }
  return (
    <nav className="pager" aria-label="Pages of runs">
      {page > 1 ? (
        <Link href={runsHref(page - 1)} className="button" rel="prev">
          Newer runs
        </Link>
      ) : (
        <span className="button" aria-disabled="true">
          Newer runs
        </span>
      )}
      <span className="pager-status">{shown > 0 ? `Runs ${first}–${first + shown - 1}, newest first` : 'No runs on this page'}</span>
      {hasOlder ? (
        <Link href={runsHref(page + 1)} className="button" rel="next">
          Older runs
        </Link>
      ) : (
        <span className="button" aria-disabled="true">
          Older runs
        </span>
      )}
    </nav>
  );
}

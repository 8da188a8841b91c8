import Link from 'next/link';
import { formatCount } from '../lib/format';

interface PagerProps {
  /** 1-based */
  page: number;
  pageSize: number;
  totalCount: number;
  hrefForPage: (page: number) => string;
  /** Accessible name of the navigation landmark; two pagers on a page need different ones. */
  label: string;
}

/** Previous and next links with the range of items shown. */
export function Pager({ page, pageSize, totalCount, hrefForPage, label }: PagerProps) {
  const pageCount = Math.max(1, Math.ceil(totalCount / pageSize));
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(totalCount, page * pageSize);
  return (
    <nav className="pager" aria-label={label}>
      {page > 1 ? (
        <Link href={hrefForPage(page - 1)} className="button" rel="prev">
          Previous
        </Link>
      ) : (
        <span className="button" aria-disabled="true">
          Previous
        </span>
      )}
      <span className="pager-status">
        {totalCount === 0
          ? 'No images'
          : `${formatCount(first)}–${formatCount(last)} of ${formatCount(totalCount)} · page ${page} of ${formatCount(pageCount)}`}
      </span>
      {page < pageCount ? (
        <Link href={hrefForPage(page + 1)} className="button" rel="next">
          Next
        </Link>
      ) : (
        <span className="button" aria-disabled="true">
          Next
        </span>
      )}
    </nav>
  );
}

import { formatStatus } from '../lib/format';
import type { RunStatus } from '../lib/graphql/types';

export function StatusBadge({ status }: { status: RunStatus }) {
  return <span className={`status-badge status-${status.toLowerCase()}`}>{formatStatus(status)}</span>;
}

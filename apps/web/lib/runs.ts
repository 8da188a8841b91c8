import type { RunStatus } from './graphql/types';

/** Statuses in which a run still changes, so pages that show it keep polling. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['QUEUED', 'RUNNING', 'EMBEDDING'];

/** How often pages refetch while a run is active. */
export const POLL_INTERVAL_MS = 2000;

export function isActiveStatus(status: RunStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

export function hasActiveRun(runs: readonly { status: RunStatus }[]): boolean {
  return runs.some((run) => isActiveStatus(run.status));
}

/**
 * Share of the run done, 0..1, for the progress bar. A completed run is full even when
 * its last progress snapshot was written before the final step; a queued run is empty.
 */
export function runCompletion(run: { status: RunStatus; progress: { fraction: number } | null }): number {
  if (run.status === 'COMPLETED') {
    return 1;
  }
  const fraction = run.progress?.fraction ?? 0;
  return Math.min(1, Math.max(0, fraction));
}

/** Check that similar/dissimilar queries can use this run: completed and with embeddings. */
export function isSearchableRun(run: { status: RunStatus; embeddingCount: number }): boolean {
  return run.status === 'COMPLETED' && run.embeddingCount > 0;
}

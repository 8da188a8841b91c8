import type { RunStatus, Split } from './graphql/types';

/** Placeholder shown for a value that does not exist yet, such as a running run's end time. */
export const MISSING = '—';

/** "42 s", "4.2 s", "12 min 05 s" or "2 h 03 min". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) {
    return MISSING;
  }
  if (seconds < 10) {
    return `${seconds.toFixed(1)} s`;
  }
  const whole = Math.round(seconds);
  if (whole < 60) {
    return `${whole} s`;
  }
  if (whole < 3600) {
    const minutes = Math.floor(whole / 60);
    return `${minutes} min ${pad2(whole % 60)} s`;
  }
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  return `${hours} h ${pad2(minutes)} min`;
}

/**
 * Date and time as "4 Dec 2026, 21:15:03" in the browser's time zone, or in `timeZone`
 * when given (tests pass "UTC" so the output does not depend on the machine).
 */
export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) {
    return MISSING;
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return MISSING;
  }
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    timeZone,
  }).format(date);
}

/** Format a 0..1 fraction as a percentage, e.g. 0.4567 -> "45.7%". */
export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction == null || !Number.isFinite(fraction)) {
    return MISSING;
  }
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Loss values keep four decimals: DIM's JSD-based losses move by thousandths late in training. */
export function formatLoss(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) {
    return MISSING;
  }
  return value.toFixed(4);
}

/** L2 distances between embeddings, three decimals. */
export function formatDistance(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : MISSING;
}

export function formatImagesPerSecond(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) {
    return MISSING;
  }
  return `${value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1)} images/s`;
}

/** Whole numbers with thousands separators, e.g. 50000 -> "50,000". */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

const STATUS_LABELS: Record<RunStatus, string> = {
  QUEUED: 'Queued',
  RUNNING: 'Running',
  EMBEDDING: 'Embedding',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

export function formatStatus(status: RunStatus): string {
  return STATUS_LABELS[status] ?? status;
}

/**
 * Formats where in training a checkpoint was saved. The worker stores the loop position:
 * `epoch` epochs finished and `step` steps into the next one. So the end of epoch 2 is (2, 0),
 * and a cancel 120 steps into epoch 3 is (2, 120).
 */
export function formatCheckpointPosition(epoch: number, step: number): string {
  if (step === 0) return epoch === 0 ? 'before the first step' : `end of epoch ${epoch}`;
  return `epoch ${epoch + 1}, after step ${formatCount(step)}`;
}

export function formatSplit(split: Split): string {
  return split === 'TRAIN' ? 'train' : 'test';
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

import { formatPercent } from '../lib/format';

interface ProgressBarProps {
  /** 0..1 */
  fraction: number;
  /** Accessible name, e.g. "Progress of run 3". */
  label: string;
  /** Extra text after the percentage, e.g. "epoch 2 of 5". */
  detail?: string;
}

export function ProgressBar({ fraction, label, detail }: ProgressBarProps) {
  const percent = Math.round(fraction * 1000) / 10;
  return (
    <div className="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={detail ? `${formatPercent(fraction)}, ${detail}` : formatPercent(fraction)}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="progress-text">
        {formatPercent(fraction, 0)}
        {detail ? <span className="progress-detail"> · {detail}</span> : null}
      </span>
    </div>
  );
}

import { SingleBar } from 'cli-progress';

import type { Logger } from './logger';
import type { StepEvent } from './training/loop';

/** Seconds between two progress log lines when stderr is not a terminal. */
const LOG_INTERVAL_SECONDS = 30;
/** Weight of the newest step in the smoothed images/s shown to the user. */
const RATE_SMOOTHING = 0.2;

function formatDuration(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds)) return '?';
  const seconds = Math.max(0, Math.round(totalSeconds));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const pad = (value: number) => String(value).padStart(2, '0');
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(rest)}` : `${minutes}:${pad(rest)}`;
}

/**
 * Shows training progress on stderr: a progress bar with epoch, step, loss, images/s
 * and the time left in the epoch when stderr is a terminal, otherwise an info log line
 * every LOG_INTERVAL_SECONDS, which keeps log files small.
 */
export class TrainingProgress {
  private bar: SingleBar | undefined;
  private imagesPerSecond: number | undefined;
  private lastLogTime = 0;

  constructor(
    private readonly logger: Logger,
    private readonly interactive: boolean = process.stderr.isTTY === true,
  ) {}

  startEpoch(epoch: number, totalEpochs: number, stepsPerEpoch: number, firstStep: number): void {
    this.stop();
    this.lastLogTime = performance.now();
    if (!this.interactive) return;

    this.bar = new SingleBar({
      stream: process.stderr,
      format: 'epoch {epoch}/{epochs} [{bar}] step {value}/{total} | loss {loss} | {rate} img/s | ETA {eta_text}',
      barCompleteChar: '#',
      barIncompleteChar: '-',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    });
    this.bar.start(stepsPerEpoch, firstStep, {
      epoch,
      epochs: totalEpochs,
      loss: '-',
      rate: '-',
      eta_text: '?',
    });
  }

  update(event: StepEvent): void {
    const rate = event.images / Math.max(event.seconds, 1e-9);
    this.imagesPerSecond =
      this.imagesPerSecond === undefined ? rate : RATE_SMOOTHING * rate + (1 - RATE_SMOOTHING) * this.imagesPerSecond;
    const secondsLeft = ((event.stepsPerEpoch - event.step) * event.images) / this.imagesPerSecond;

    if (this.bar) {
      this.bar.update(event.step, {
        loss: event.losses.total.toFixed(4),
        rate: this.imagesPerSecond.toFixed(1),
        eta_text: formatDuration(secondsLeft),
      });
      return;
    }

    const now = performance.now();
    if (now - this.lastLogTime >= LOG_INTERVAL_SECONDS * 1000 || event.step === 1) {
      this.lastLogTime = now;
      this.logger.info(
        {
          epoch: event.epoch,
          step: event.step,
          stepsPerEpoch: event.stepsPerEpoch,
          loss: event.losses.total,
          imagesPerSecond: Number(this.imagesPerSecond.toFixed(2)),
          epochSecondsLeft: Math.round(secondsLeft),
        },
        `epoch ${event.epoch}/${event.totalEpochs} step ${event.step}/${event.stepsPerEpoch} ` +
          `loss ${event.losses.total.toFixed(4)} ${this.imagesPerSecond.toFixed(1)} img/s ` +
          `ETA ${formatDuration(secondsLeft)}`,
      );
    }
  }

  /** Stops the bar so that log lines that follow start on a fresh line. */
  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

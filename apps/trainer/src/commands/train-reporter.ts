import type { Logger } from '../logger';
import { TrainingProgress } from '../progress';
import type { StepEvent } from '../training/loop';
import type { RunConfig } from '../training/run-config';
import type { ProgressFile, RunFolder } from '../training/run-folder';
import type { EpochMetrics, LoopState } from '../training/types';

/** Minimum time between two progress.json rewrites, so fast GPU steps do not turn into disk writes. */
const PROGRESS_WRITE_INTERVAL_MS = 1000;

type RunStatus = ProgressFile['state'];

/**
 * Reports a training run as it goes: the progress bar or log lines, steps.jsonl,
 * metrics.json, progress.json and the epoch summaries in the log.
 */
export class TrainRunReporter {
  readonly progress: TrainingProgress;
  /** Latest loop state seen, for the progress record written when training fails. */
  currentState: LoopState;
  private readonly epochs: EpochMetrics[];
  private lastProgressWrite = 0;

  constructor(
    private readonly run: RunFolder,
    private readonly config: RunConfig,
    private readonly stepsPerEpoch: number,
    /** Estimated FLOP of one training step per image, for the GFLOP/s in epoch summaries. */
    private readonly stepFlopsPerImage: number,
    previousEpochs: readonly EpochMetrics[],
    start: LoopState,
    private readonly logger: Logger,
  ) {
    this.progress = new TrainingProgress(logger);
    this.epochs = [...previousEpochs];
    this.currentState = start;
  }

  async writeProgress(state: LoopState, status: RunStatus, extra: Pick<ProgressFile, 'loss' | 'imagesPerSecond' | 'message'> = {}): Promise<void> {
    this.lastProgressWrite = Date.now();
    // While running, or when stopped mid-epoch, the epoch shown is the one in progress.
    const inProgress = status === 'running' || state.step > 0;
    await this.run.writeProgress({
      epoch: inProgress ? Math.min(state.epoch + 1, this.config.training.epochs) : state.epoch,
      totalEpochs: this.config.training.epochs,
      step: state.step,
      stepsPerEpoch: this.stepsPerEpoch,
      globalStep: state.globalStep,
      state: status,
      done: status === 'finished',
      ...extra,
    });
  }

  onEpochStart(epoch: number, stepCount: number, state: LoopState): void {
    this.progress.startEpoch(epoch, this.config.training.epochs, stepCount, state.step);
  }

  async onStep(event: StepEvent): Promise<void> {
    this.currentState = event.state;
    this.progress.update(event);
    await this.run.appendStep({
      epoch: event.epoch,
      step: event.step,
      globalStep: event.globalStep,
      images: event.images,
      seconds: event.seconds,
      losses: event.losses,
    });

    if (Date.now() - this.lastProgressWrite >= PROGRESS_WRITE_INTERVAL_MS) {
      const { partial } = event.state;
      await this.writeProgress(event.state, 'running', {
        loss: partial.lossSums.total / partial.steps,
        imagesPerSecond: partial.images / partial.seconds,
      });
    }
  }

  async onEpoch(metrics: EpochMetrics, state: LoopState): Promise<void> {
    this.currentState = state;
    this.progress.stop();
    this.epochs.push(metrics);
    await this.run.writeMetrics(this.epochs);
    await this.writeProgress(state, 'running', { loss: metrics.losses.total, imagesPerSecond: metrics.imagesPerSecond });

    const { losses } = metrics;
    const estimatedGflops = (metrics.imagesPerSecond * this.stepFlopsPerImage) / 1e9;
    this.logger.info(
      { epoch: metrics.epoch, losses, imagesPerSecond: metrics.imagesPerSecond, estimatedGflops, seconds: metrics.seconds },
      `Epoch ${metrics.epoch}/${this.config.training.epochs}: loss ${losses.total.toFixed(4)} ` +
        `(local ${losses.local.toFixed(4)}, global ${losses.global.toFixed(4)}, prior ${losses.prior.toFixed(4)}, ` +
        `discriminator ${losses.discriminator.toFixed(4)}), ${metrics.imagesPerSecond.toFixed(1)} img/s ` +
        `(about ${estimatedGflops.toFixed(1)} GFLOP/s), ${metrics.seconds.toFixed(1)} s`,
    );
  }
}

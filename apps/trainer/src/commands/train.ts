import { flopsPerImage, selectBackend, type DimModel } from '@dim/dim-model';
import type { Command } from 'commander';

import type { Logger } from '../logger';
import { writeCheckpoint } from '../training/checkpoint-io';
import { createDimTrainStepper } from '../training/dim-step';
import { runTrainingLoop, stepsPerEpoch, type CheckpointReason } from '../training/loop';
import type { RunConfig } from '../training/run-config';
import type { RunFolder } from '../training/run-folder';
import type { LoopState } from '../training/types';
import { backendLogger } from './backend-log';
import { explicitOptions, subsetSpec, type TrainOptions } from './train-options';
import { TrainRunReporter } from './train-reporter';
import { prepareNewRun, prepareResumedRun } from './train-setup';

export { createTrainCommand, type TrainOptions } from './train-options';

/** Exit code of a run stopped by SIGINT or SIGTERM, as shells report a process killed by SIGINT. */
const EXIT_INTERRUPTED = 130;

/**
 * Turns the first SIGINT or SIGTERM into a stop request, so the loop saves a checkpoint
 * after the current step. A second signal exits at once.
 */
function watchStopSignals(logger: Logger, beforeLog: () => void): { stopRequested: () => boolean; dispose: () => void } {
  let requested = false;
  const onSignal = () => {
    if (requested) {
      logger.warn('Second interrupt: exiting without saving a checkpoint');
      process.exit(EXIT_INTERRUPTED);
    }
    requested = true;
    beforeLog();
    logger.warn('Interrupted: saving a checkpoint after the current step. Press Ctrl+C again to exit at once.');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stopRequested: () => requested,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function checkpointSaver(
  run: RunFolder,
  model: DimModel,
  config: RunConfig,
  reporter: TrainRunReporter,
  logger: Logger,
): (state: LoopState, reason: CheckpointReason) => Promise<void> {
  return async (state, reason) => {
    reporter.progress.stop();
    const dir = await writeCheckpoint(run, model, state);
    logger.info({ checkpoint: dir, epoch: state.epoch, step: state.step, reason }, `Wrote checkpoint ${dir}`);

    const keep = config.training.keepCheckpoints;
    if (keep > 0) {
      for (const removed of await run.pruneCheckpoints(keep)) {
        logger.info({ checkpoint: removed }, `Removed old checkpoint ${removed} (--keep-checkpoints ${keep})`);
      }
    }
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Runs the `train` command: prepares or resumes a run, trains, and writes its files. */
export async function runTrain(options: TrainOptions, command: Command, logger: Logger): Promise<void> {
  const explicit = explicitOptions(command);
  if (options.resume === undefined) subsetSpec(options);

  // The backend comes first because creating or loading a model allocates tensors on it.
  const backend = await selectBackend({ backend: options.backend, log: backendLogger(logger) });
  const prepared = options.resume === undefined ? await prepareNewRun(options, logger) : await prepareResumedRun(options, explicit, logger);
  const { run, config, model, images, start } = prepared;

  if (start.epoch >= config.training.epochs) {
    logger.warn(`Run ${run.dir} has already finished ${plural(start.epoch, 'epoch')}. Pass --epochs greater than ${start.epoch} to train further.`);
    return;
  }

  const steps = stepsPerEpoch(images.count, config.training.batchSize);
  logger.info(
    { runDir: run.dir, backend: backend.name, config, stepsPerEpoch: steps },
    `Training ${config.model.preset} preset on ${images.count} ${config.dataset.name} images for ${plural(config.training.epochs, 'epoch')} ` +
      `(${steps} steps of ${config.training.batchSize} images an epoch) on backend ${backend.name}; run folder ${run.dir}`,
  );

  // An estimate from layer shapes (multiply-adds of convolutions and matrix products),
  // logged so throughput on different presets and devices can be compared.
  const stepFlopsPerImage = flopsPerImage(config.model.preset, {
    embeddingDim: config.model.embeddingDim,
    inputShape: config.model.inputShape,
  }).trainingStep;
  const reporter = new TrainRunReporter(run, config, steps, stepFlopsPerImage, prepared.previousEpochs, start, logger);
  const stepper = await createDimTrainStepper(model, {
    backend,
    workers: options.workers,
    microBatchSize: config.training.microBatchSize,
    log: backendLogger(logger),
  });
  const saveCheckpoint = checkpointSaver(run, model, config, reporter, logger);
  const signals = watchStopSignals(logger, () => reporter.progress.stop());

  try {
    await reporter.writeProgress(start, 'running');
    const result = await runTrainingLoop({
      images,
      epochs: config.training.epochs,
      batchSize: config.training.batchSize,
      seed: config.training.seed,
      trainStep: stepper.trainStep,
      checkpoint: {
        everyEpochs: config.training.checkpointEveryEpochs,
        save: async (state, reason) => {
          await stepper.syncModel();
          await saveCheckpoint(state, reason);
        },
      },
      start,
      shouldStop: signals.stopRequested,
      onEpochStart: (epoch, stepCount, state) => reporter.onEpochStart(epoch, stepCount, state),
      onStep: (event) => reporter.onStep(event),
      onEpoch: (metrics, state) => reporter.onEpoch(metrics, state),
    });
    reporter.progress.stop();

    await reporter.writeProgress(result.state, result.stopped ? 'stopped' : 'finished');
    if (result.stopped) {
      const { epoch, step } = result.state;
      const position = step > 0 ? `at epoch ${epoch + 1}, step ${step}` : `after epoch ${epoch}`;
      logger.warn(`Stopped ${position}. Continue with: train --resume ${run.dir}`);
      process.exitCode = EXIT_INTERRUPTED;
    } else {
      logger.info({ runDir: run.dir }, `Finished ${plural(config.training.epochs, 'epoch')}; run folder ${run.dir}`);
    }
    process.stdout.write(`${JSON.stringify({ runDir: run.dir, stopped: result.stopped, state: result.state, epochs: result.epochs })}\n`);
  } catch (error) {
    reporter.progress.stop();
    await reporter
      .writeProgress(reporter.currentState, 'failed', { message: (error as Error).message })
      .catch((writeError: unknown) => logger.warn({ err: writeError }, `Failed to record the failure in ${run.path('progress.json')}`));
    throw error;
  } finally {
    signals.dispose();
    await stepper.dispose();
  }
}

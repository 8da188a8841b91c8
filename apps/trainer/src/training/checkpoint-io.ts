import { loadCheckpoint, saveCheckpoint, type DimModel } from '@dim/dim-model';

import type { RunFolder } from './run-folder';
import type { LoopState } from './types';

/**
 * Saves the model and the loop position as one checkpoint folder of the run, and returns
 * its path. The folder appears only once both are written.
 */
export async function writeCheckpoint(run: RunFolder, model: DimModel, state: LoopState): Promise<string> {
  const { dir, commit } = await run.prepareCheckpoint(state);
  await saveCheckpoint(model, dir, { epoch: state.epoch, step: state.globalStep });
  return commit();
}

/** Loads the model stored in a checkpoint folder written by `writeCheckpoint`. */
export async function readCheckpointModel(dir: string): Promise<DimModel> {
  const loaded = await loadCheckpoint(dir);
  return loaded.model;
}

/**
 * Layout of a run folder, the directory that one training run writes:
 *
 *   config.json        the resolved training configuration (data set, model, optimiser)
 *   metrics.json       one entry per finished epoch: mean losses and throughput
 *   progress.json      small status record for a UI: epoch, step, done, last update
 *   steps.jsonl        one line per training step with its losses
 *   checkpoints/epoch-0002-step-000000/
 *                      model checkpoint plus trainer-state.json (position in the run)
 *   embeddings-<split>.bin / .json
 *                      cached embeddings of a whole split, written by `search`
 *
 * JSON files are replaced atomically (write to a temporary file, fsync, rename), so a
 * reader never sees a half-written file even while training runs.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { EpochMetrics, LoopState, StepRecord } from './types';

export const CONFIG_FILE = 'config.json';
export const METRICS_FILE = 'metrics.json';
export const PROGRESS_FILE = 'progress.json';
export const STEPS_FILE = 'steps.jsonl';
export const CHECKPOINTS_DIR = 'checkpoints';
export const TRAINER_STATE_FILE = 'trainer-state.json';

const CHECKPOINT_NAME = /^epoch-(\d+)-step-(\d+)$/;

/** Contents of metrics.json. */
export interface MetricsFile {
  readonly epochs: readonly EpochMetrics[];
  readonly updatedAt: string;
}

/** Contents of progress.json, meant to be polled by a dashboard. */
export interface ProgressFile {
  /** 1-based epoch in progress, or the last epoch once done. */
  readonly epoch: number;
  readonly totalEpochs: number;
  /** Steps finished in the current epoch. */
  readonly step: number;
  readonly stepsPerEpoch: number;
  readonly globalStep: number;
  readonly state: 'running' | 'finished' | 'stopped' | 'failed';
  readonly done: boolean;
  /** Mean total loss of the epoch so far, absent before the first step. */
  readonly loss?: number;
  readonly imagesPerSecond?: number;
  readonly message?: string;
  readonly updatedAt: string;
}

/** A checkpoint folder and the training position stored in it. */
export interface CheckpointEntry {
  readonly dir: string;
  readonly state: LoopState;
}

/** Writes `value` as JSON to `file` so that readers see either the old or the new contents. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`);
    // Without fsync a crash after the rename can leave an empty file on some file systems.
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Reads and parses a JSON file, naming the file in the error when it is missing or invalid. */
export async function readJson<T>(file: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`File not found: ${file}.`);
    }
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`Invalid JSON in ${file}: ${(error as Error).message}.`);
  }
}

async function isFile(file: string): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ?? false;
}

/** Returns the checkpoint folder name for a position, zero-padded so names sort in training order. */
export function checkpointName(state: Pick<LoopState, 'epoch' | 'step'>): string {
  return `epoch-${String(state.epoch).padStart(4, '0')}-step-${String(state.step).padStart(6, '0')}`;
}

/** Reading and writing the files of one run folder. */
export class RunFolder {
  constructor(readonly dir: string) {}

  path(...segments: string[]): string {
    return path.join(this.dir, ...segments);
  }

  async create(): Promise<void> {
    await mkdir(this.path(CHECKPOINTS_DIR), { recursive: true });
  }

  async hasConfig(): Promise<boolean> {
    return isFile(this.path(CONFIG_FILE));
  }

  async writeConfig(config: unknown): Promise<void> {
    await writeJsonAtomic(this.path(CONFIG_FILE), config);
  }

  async readConfig<T>(): Promise<T> {
    return readJson<T>(this.path(CONFIG_FILE));
  }

  async writeMetrics(epochs: readonly EpochMetrics[]): Promise<void> {
    const metrics: MetricsFile = { epochs, updatedAt: new Date().toISOString() };
    await writeJsonAtomic(this.path(METRICS_FILE), metrics);
  }

  /** Returns the finished epochs recorded so far, or none for a new run. */
  async readMetrics(): Promise<EpochMetrics[]> {
    if (!(await isFile(this.path(METRICS_FILE)))) return [];
    const metrics = await readJson<MetricsFile>(this.path(METRICS_FILE));
    return [...metrics.epochs];
  }

  async writeProgress(progress: Omit<ProgressFile, 'updatedAt'>): Promise<void> {
    await writeJsonAtomic(this.path(PROGRESS_FILE), { ...progress, updatedAt: new Date().toISOString() });
  }

  async readProgress(): Promise<ProgressFile> {
    return readJson<ProgressFile>(this.path(PROGRESS_FILE));
  }

  async appendStep(record: StepRecord): Promise<void> {
    await appendFile(this.path(STEPS_FILE), `${JSON.stringify(record)}\n`);
  }

  async readSteps(): Promise<StepRecord[]> {
    if (!(await isFile(this.path(STEPS_FILE)))) return [];
    const text = await readFile(this.path(STEPS_FILE), 'utf8');
    return text
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => JSON.parse(line) as StepRecord);
  }

  /**
   * Drops the records that lie after `state`, so that a resumed run continues the files
   * from the checkpoint instead of repeating the epochs and steps trained after it.
   */
  async truncateAfter(state: LoopState): Promise<void> {
    const epochs = (await this.readMetrics()).filter((entry) => entry.epoch <= state.epoch);
    await this.writeMetrics(epochs);

    const steps = (await this.readSteps()).filter((record) => record.globalStep <= state.globalStep);
    const temporary = `${this.path(STEPS_FILE)}.${process.pid}.tmp`;
    await writeFile(temporary, steps.map((record) => `${JSON.stringify(record)}\n`).join(''));
    await rename(temporary, this.path(STEPS_FILE));
  }

  /**
   * Returns the folder to write a checkpoint into and a function that publishes it. The
   * checkpoint is written under a temporary name and renamed when complete, so a crash
   * mid-write never leaves a folder that `listCheckpoints` would offer for resuming.
   */
  async prepareCheckpoint(state: LoopState): Promise<{ dir: string; commit: () => Promise<string> }> {
    const finalDir = this.path(CHECKPOINTS_DIR, checkpointName(state));
    const temporaryDir = this.path(CHECKPOINTS_DIR, `.${checkpointName(state)}.${process.pid}.tmp`);
    // The temporary folder must not exist: the model writer creates it.
    await rm(temporaryDir, { recursive: true, force: true });
    await mkdir(this.path(CHECKPOINTS_DIR), { recursive: true });

    const commit = async (): Promise<string> => {
      await writeJsonAtomic(path.join(temporaryDir, TRAINER_STATE_FILE), state);
      await rm(finalDir, { recursive: true, force: true });
      await rename(temporaryDir, finalDir);
      return finalDir;
    };
    return { dir: temporaryDir, commit };
  }

  /** Lists the complete checkpoints of the run, oldest first. */
  async listCheckpoints(): Promise<CheckpointEntry[]> {
    const names = await readdir(this.path(CHECKPOINTS_DIR)).catch(() => [] as string[]);
    const entries: CheckpointEntry[] = [];
    for (const name of names.filter((candidate) => CHECKPOINT_NAME.test(candidate)).sort()) {
      const dir = this.path(CHECKPOINTS_DIR, name);
      if (await isFile(path.join(dir, TRAINER_STATE_FILE))) {
        entries.push({ dir, state: await readJson<LoopState>(path.join(dir, TRAINER_STATE_FILE)) });
      }
    }
    return entries;
  }

  /** Deletes the checkpoints saved after global step `globalStep`, and returns their folders. */
  async pruneCheckpointsAfter(globalStep: number): Promise<string[]> {
    const removed = (await this.listCheckpoints())
      .filter((entry) => entry.state.globalStep > globalStep)
      .map((entry) => entry.dir);
    for (const dir of removed) await rm(dir, { recursive: true, force: true });
    return removed;
  }

  /** Deletes all but the newest `keep` checkpoints, and returns their folders. */
  async pruneCheckpoints(keep: number): Promise<string[]> {
    const entries = await this.listCheckpoints();
    const removed = entries.slice(0, Math.max(0, entries.length - keep)).map((entry) => entry.dir);
    for (const dir of removed) await rm(dir, { recursive: true, force: true });
    return removed;
  }
}

/** A checkpoint chosen for resuming or searching, with the run folder that contains it. */
export interface ResolvedCheckpoint {
  readonly run: RunFolder;
  readonly checkpoint: CheckpointEntry;
}

/**
 * Resolves a path given on the command line to a checkpoint. A run folder resolves to
 * its newest checkpoint. A checkpoint folder resolves to itself, and its run folder is
 * the folder two levels up (`<run>/checkpoints/<name>`).
 */
export async function resolveCheckpoint(location: string): Promise<ResolvedCheckpoint> {
  const dir = path.resolve(location);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new Error(`Checkpoint or run folder not found: ${dir}. Pass the run folder of a training run or one of its checkpoints/<name> folders.`);
  }

  if (await isFile(path.join(dir, TRAINER_STATE_FILE))) {
    const run = new RunFolder(path.dirname(path.dirname(dir)));
    if (!(await run.hasConfig())) {
      throw new Error(`Checkpoint ${dir} is not inside a run folder: ${run.path(CONFIG_FILE)} is missing.`);
    }
    const state = await readJson<LoopState>(path.join(dir, TRAINER_STATE_FILE));
    return { run, checkpoint: { dir, state } };
  }

  const run = new RunFolder(dir);
  if (!(await run.hasConfig())) {
    throw new Error(`${dir} is neither a run folder (no ${CONFIG_FILE}) nor a checkpoint (no ${TRAINER_STATE_FILE}).`);
  }
  const checkpoints = await run.listCheckpoints();
  const latest = checkpoints.at(-1);
  if (latest === undefined) {
    throw new Error(`Run folder ${dir} has no complete checkpoint in ${CHECKPOINTS_DIR}/. Train at least one checkpoint interval first.`);
  }
  return { run, checkpoint: latest };
}

import type { PrismaClient } from '@dim/db';
import type { Logger } from 'pino';

export interface CancellationWatcher {
  /** Whether cancelTraining has set cancel_requested on the run, as of the latest poll. */
  isRequested(): boolean;
  /** Reads the flag now; used before the training loop starts and before embedding. */
  refresh(): Promise<boolean>;
  /**
   * Reads the flag if the poll interval has passed since the last read. Called between
   * training steps, because synchronous TensorFlow.js kernels keep the poll timer from
   * firing while steps run back to back.
   */
  refreshIfDue(): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * Polls training_runs.cancel_requested every `pollIntervalMs`. The training loop calls
 * `isRequested()` after every step, which must be synchronous and cheap, so the flag is
 * cached here. The job awaits `refreshIfDue()` between steps, so a cancellation stops the
 * run at the end of the first step that starts `pollIntervalMs` or more after it.
 */
export function watchCancellation(
  db: PrismaClient,
  runId: number,
  pollIntervalMs: number,
  logger: Logger,
): CancellationWatcher {
  let requested = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  let lastPollAt = Date.now();

  const poll = async (): Promise<boolean> => {
    lastPollAt = Date.now();
    try {
      const rows = await db.$queryRaw<{ cancel_requested: boolean }[]>`
        SELECT cancel_requested FROM training_runs WHERE id = ${runId}`;
      // A deleted run is treated as cancelled: nothing is left to write the results to.
      const flag = rows[0]?.cancel_requested ?? true;
      if (flag && !requested) logger.info({ runId }, 'Cancellation requested');
      requested = requested || flag;
    } catch (error) {
      logger.warn({ runId, err: error }, 'Reading cancel_requested failed; retrying at the next poll');
    }
    return requested;
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = poll().finally(schedule);
    }, pollIntervalMs);
  };
  schedule();

  return {
    isRequested: () => requested,
    refresh: () => {
      inFlight = poll();
      return inFlight as Promise<boolean>;
    },
    refreshIfDue: async () => {
      if (stopped || Date.now() - lastPollAt < pollIntervalMs) return requested;
      inFlight = poll();
      return (await inFlight) as boolean;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}

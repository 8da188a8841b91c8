import type { PrismaClient } from '@dim/db';
import type { Logger } from 'pino';

export interface HeartbeatOptions {
  readonly db: PrismaClient;
  readonly runId: number;
  readonly workerId: string;
  readonly intervalMs: number;
  readonly logger: Logger;
  /**
   * Called once when the run no longer belongs to this worker. Either another worker's
   * recovery took it over, because this process stalled past the heartbeat timeout, or the
   * run left the active states, as it does once the job has written a final status.
   * Heartbeats stop after this call.
   */
  readonly onLost: () => void;
}

export interface Heartbeat {
  /**
   * Beats now if the interval has passed since the last beat. The training loop calls this
   * between steps, because synchronous TensorFlow.js kernels keep the timer from firing
   * while steps run back to back.
   */
  beatIfDue(): Promise<void>;
  /** Stops the timer and waits for a write in flight, so no heartbeat lands after a final status. */
  stop(): Promise<void>;
}

/**
 * Refreshes training_runs.heartbeat_at every `intervalMs` while a run is active. Recovery
 * treats a run whose heartbeat is older than the timeout as abandoned.
 *
 * Writes are chained with setTimeout rather than setInterval, so a slow database never has
 * two heartbeats in flight. TensorFlow.js kernels run synchronously on the CPU and WASM
 * backends and block the event loop for the length of one step, so the heartbeat timeout
 * must exceed the longest step by a wide margin.
 */
export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  const { db, runId, workerId, intervalMs, logger } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let consecutiveFailures = 0;
  let lastBeatAt = Date.now();

  const beat = async (): Promise<void> => {
    lastBeatAt = Date.now();
    try {
      const updated = await db.$executeRaw`
        UPDATE training_runs
           SET heartbeat_at = now()
         WHERE id = ${runId}
           AND worker_id = ${workerId}
           AND status IN ('running', 'embedding')`;
      consecutiveFailures = 0;
      if (updated === 0 && !stopped) {
        stopped = true;
        options.onLost();
      }
    } catch (error) {
      // A transient database error must not kill a long run: the next beat retries, and the
      // timeout leaves room for several missed beats.
      consecutiveFailures += 1;
      logger.warn({ runId, err: error, consecutiveFailures }, 'Heartbeat write failed; retrying at the next interval');
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = beat().finally(schedule);
    }, intervalMs);
  };
  schedule();

  return {
    async beatIfDue() {
      if (stopped || Date.now() - lastBeatAt < intervalMs) return;
      await inFlight;
      inFlight = beat();
      await inFlight;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}

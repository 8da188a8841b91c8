import { hostname } from 'node:os';

/**
 * A worker's identity as stored in training_runs.worker_id: "host:pid". Recovery reads it
 * back to tell whether the process that claimed a run on this host is still alive.
 */
export interface WorkerIdentity {
  readonly host: string;
  readonly pid: number;
}

export function currentWorkerIdentity(): WorkerIdentity {
  return { host: hostname(), pid: process.pid };
}

export function formatWorkerId(identity: WorkerIdentity): string {
  return `${identity.host}:${identity.pid}`;
}

/** Parses "host:pid"; returns null for anything else, so foreign ids fall back to the heartbeat check. */
export function parseWorkerId(workerId: string): WorkerIdentity | null {
  const separator = workerId.lastIndexOf(':');
  if (separator <= 0) return null;

  const pid = Number(workerId.slice(separator + 1));
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  return { host: workerId.slice(0, separator), pid };
}

/**
 * Returns whether a process with this pid exists on this machine. Signal 0 performs the
 * permission and existence checks without sending anything; EPERM means the process exists
 * but belongs to another user.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

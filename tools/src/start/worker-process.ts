import { spawn } from 'node:child_process';
import path from 'node:path';

import type { Logger } from 'pino';

import { REPO_ROOT } from './config';

const TRAINER_CLI = path.join(REPO_ROOT, 'apps', 'trainer', 'src', 'cli.ts');
/** The worker checkpoints and requeues its run on SIGTERM; this bounds the wait for that. */
const STOP_TIMEOUT_MS = 60_000;

export interface WorkerProcess {
  stop(): Promise<void>;
}

/**
 * Starts `trainer worker` as a child process. A training step blocks its process's event loop
 * for seconds on WASM, so the worker runs apart from the API, which must keep serving requests.
 * Its log lines go to this process's stderr.
 */
export function startWorkerProcess(options: { databaseUrl: string; dataDir: string; runsDir: string; logger: Logger }): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', TRAINER_CLI, 'worker', '--data-dir', options.dataDir, '--runs-dir', options.runsDir],
    { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: options.databaseUrl }, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stopping = false;
  void exited.then((code) => {
    if (!stopping) options.logger.error({ code }, 'The training worker exited; queued runs wait until the next start');
  });
  options.logger.info({ pid: child.pid }, 'Training worker started');

  return {
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

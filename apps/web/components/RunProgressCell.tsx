import { runCompletion } from '../lib/runs';
import type { RunSummary } from '../lib/graphql/runs';
import { ProgressBar } from './ProgressBar';

/** Progress bar of one run with a word on its phase: waiting, epoch n of m, embedding. */
export function RunProgressCell({ run }: { run: RunSummary }) {
  return <ProgressBar fraction={runCompletion(run)} label={`Progress of run ${run.id}`} detail={describePhase(run)} />;
}

function describePhase(run: RunSummary): string | undefined {
  switch (run.status) {
    case 'QUEUED':
      return 'waiting for a worker';
    case 'RUNNING':
      return run.progress ? `epoch ${run.progress.epoch} of ${run.progress.epochs}` : 'starting';
    case 'EMBEDDING':
      return 'writing embeddings';
    default:
      return undefined;
  }
}

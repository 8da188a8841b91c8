import { MISSING } from '../lib/format';
import type { TrainingConfig } from '../lib/graphql/types';

/** Lists the configuration a run was started with, one term per trainer option. */
export function RunConfigList({ config }: { config: TrainingConfig }) {
  const entries: [string, string][] = [
    ['Data set', config.datasetName],
    ['Preset', config.preset],
    ['Epochs', String(config.epochs)],
    ['Batch size', String(config.batchSize)],
    ['Learning rate', String(config.learningRate)],
    ['Alpha (global MI weight)', String(config.alpha)],
    ['Beta (local MI weight)', String(config.beta)],
    ['Gamma (prior weight)', String(config.gamma)],
    ['Embedding dimension', String(config.embeddingDim)],
    ['Subset size', config.subsetSize == null ? 'whole train split' : String(config.subsetSize)],
    ['Seed', String(config.seed)],
    ['Checkpoint every', `${config.checkpointEvery} ${config.checkpointEvery === 1 ? 'epoch' : 'epochs'}`],
    ['Requested backend', config.backend ?? `${MISSING} (worker's default)`],
  ];
  return (
    <dl className="key-values">
      {entries.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

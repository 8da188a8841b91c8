import { gql } from 'urql';
import { RUN_SUMMARY_FIELDS } from './fragments';
import type { Dataset, PageInput, StartTrainingInput, TrainingRun } from './types';

export type RunSummary = Pick<
  TrainingRun,
  | 'id'
  | 'status'
  | 'embeddingDim'
  | 'embeddingCount'
  | 'backend'
  | 'createdAt'
  | 'startedAt'
  | 'finishedAt'
  | 'durationSeconds'
  | 'dataset'
> & {
  config: Pick<TrainingRun['config'], 'preset' | 'epochs'>;
  progress: Pick<NonNullable<TrainingRun['progress']>, 'epoch' | 'epochs' | 'fraction' | 'updatedAt'> | null;
};

export interface TrainingRunsData {
  trainingRuns: RunSummary[];
}

export interface TrainingRunsVariables {
  /** Newest runs first; the API returns the first 50 when the page is omitted. */
  page: PageInput;
}

export const TRAINING_RUNS_QUERY = gql<TrainingRunsData, TrainingRunsVariables>`
  query TrainingRuns($page: PageInput) {
    trainingRuns(page: $page) {
      ...RunSummaryFields
    }
  }
  ${RUN_SUMMARY_FIELDS}
`;

export type RunDetail = TrainingRun;

export interface TrainingRunData {
  trainingRun: RunDetail | null;
}

export interface TrainingRunVariables {
  id: number;
}

export const TRAINING_RUN_QUERY = gql<TrainingRunData, TrainingRunVariables>`
  query TrainingRun($id: Int!) {
    trainingRun(id: $id) {
      id
      status
      embeddingDim
      embeddingCount
      backend
      error
      createdAt
      startedAt
      finishedAt
      durationSeconds

      dataset {
        id
        name
      }
      config {
        datasetName
        preset
        epochs
        batchSize
        learningRate
        alpha
        beta
        gamma
        embeddingDim
        subsetSize
        seed
        checkpointEvery
        backend
      }

      progress {
        epoch
        epochs
        step
        stepsPerEpoch
        fraction
        totalLoss
        localLoss
        globalLoss
        priorLoss
        imagesPerSecond
        etaSeconds
        updatedAt
      }

      metrics {
        epoch
        totalLoss
        localLoss
        globalLoss
        priorLoss
        discriminatorLoss
        imagesPerSecond
        durationSeconds
      }

      checkpoints {
        epoch
        step
        path
        createdAt
      }

      retrieval {
        knn20Accuracy
        knn200Accuracy
        precisionAt10
        computedAt
      }
    }
  }
`;

export interface DatasetsData {
  datasets: Dataset[];
}

export const DATASETS_QUERY = gql<DatasetsData, Record<string, never>>`
  query Datasets {
    datasets {
      id
      name
      classNames
      height
      width
      channels
      trainCount
      testCount
    }
  }
`;

export interface StartTrainingData {
  startTraining: Pick<TrainingRun, 'id' | 'status'>;
}

export interface StartTrainingVariables {
  input: StartTrainingInput;
}

export const START_TRAINING_MUTATION = gql<StartTrainingData, StartTrainingVariables>`
  mutation StartTraining($input: StartTrainingInput!) {
    startTraining(input: $input) {
      id
      status
    }
  }
`;

export interface CancelTrainingData {
  cancelTraining: Pick<TrainingRun, 'id' | 'status'>;
}

export interface CancelTrainingVariables {
  id: number;
}

export const CANCEL_TRAINING_MUTATION = gql<CancelTrainingData, CancelTrainingVariables>`
  mutation CancelTraining($id: Int!) {
    cancelTraining(id: $id) {
      id
      status
    }
  }
`;

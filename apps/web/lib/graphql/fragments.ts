import { gql } from 'urql';

/** Fields every image tile shows: label, split, position in the split and the PNG URL. */
export const IMAGE_FIELDS = gql`
  fragment ImageFields on Image {
    id
    split
    indexInSplit
    label
    labelName
    url
    dataset {
      id
      name
    }
  }
`;

/** Fields the runs table and the run pickers need. */
export const RUN_SUMMARY_FIELDS = gql`
  fragment RunSummaryFields on TrainingRun {
    id
    status
    embeddingDim
    embeddingCount
    backend
    createdAt
    startedAt
    finishedAt
    durationSeconds
    dataset {
      id
      name
    }
    config {
      preset
      epochs
    }
    progress {
      epoch
      epochs
      fraction
      updatedAt
    }
  }
`;

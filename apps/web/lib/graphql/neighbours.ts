import { gql } from 'urql';
import { IMAGE_FIELDS } from './fragments';
import type { Image, Neighbour, TrainingRun } from './types';

export interface NeighbourResult {
  query: Image;
  run: Pick<TrainingRun, 'id' | 'status' | 'embeddingDim'>;
  neighbours: Neighbour[];
}

export interface NeighboursData {
  nearest: NeighbourResult;
  farthest: NeighbourResult;
}

export interface NeighboursVariables {
  id: number;
  k: number;
  /** null lets the API pick the latest completed run. */
  runId: number | null;
}

/** The k nearest and k farthest images of one query, fetched together for the two rows. */
export const NEIGHBOURS_QUERY = gql<NeighboursData, NeighboursVariables>`
  query Neighbours($id: Int!, $k: Int!, $runId: Int) {
    nearest: similar(id: $id, k: $k, runId: $runId) {
      ...NeighbourResultFields
    }
    farthest: dissimilar(id: $id, k: $k, runId: $runId) {
      ...NeighbourResultFields
    }
  }

  fragment NeighbourResultFields on NeighbourResult {
    query {
      ...ImageFields
    }
    run {
      id
      status
      embeddingDim
    }
    neighbours {
      distance
      image {
        ...ImageFields
      }
    }
  }
  ${IMAGE_FIELDS}
`;

/**
 * @dim/evaluation: retrieval quality of image representations, measured as kNN classification
 * accuracy and precision@10 of the test split searched in the train split by L2 distance.
 */
export { createUntrainedModel, encoderVectors, rawPixelVectors, type EncoderVectorOptions } from './baselines';
export {
  DEFAULT_CHUNK_DISTANCE_VALUES,
  nearestNeighbours,
  type NearestNeighbourOptions,
  type NeighbourTable,
  type VectorMatrix,
} from './distances';
export { evaluateRetrieval, type LabelledVectors, type RetrievalInput, type RetrievalMetrics } from './evaluate';
export { knnAccuracy, knnPredict } from './knn';
export type { Labels } from './labels';
export { precisionAtK } from './precision';

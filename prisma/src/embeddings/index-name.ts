/** Name of the partial HNSW index that serves one run's nearest-neighbour queries. */
export function runIndexName(runId: number): string {
  return `embeddings_run_${runId}_hnsw`;
}

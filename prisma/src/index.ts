// Prisma client, model types (Dataset, Image, TrainingRun, ...), enums (Split, RunStatus) and the Prisma namespace.
export * from '../generated/client/client';
export { createPool, createPrismaClient, poolOf, withTransaction, DEFAULT_POOL_MAX, type Database } from './client';
export { resolveDatabase, DEFAULT_PGLITE_DIR, DEFAULT_PGLITE_PORT, type ResolvedDatabase } from './database-url';
export { startEmbeddedDatabase, embeddedDatabaseUrl, type EmbeddedDatabase, type EmbeddedDatabaseOptions } from './embedded/server';
export { migrateDatabase, readMigrations, MIGRATIONS_DIR, type MigrationResult } from './migrate';
export { registerDataset, type ImageSetInput, type RegisteredDataset } from './datasets';
export { writeRunEmbeddings, buildRunIndex, type WriteEmbeddingsOptions, type WriteEmbeddingsResult } from './embeddings/write';
export { validateEmbeddings, MAX_INDEXED_DIM } from './embeddings/validate';
export { formatVector, parseVector } from './embeddings/vector-text';
export { runIndexName } from './embeddings/index-name';
export { findNeighbours, nearestQuerySql, applySearchSettings, MIN_K, MAX_K, type Neighbour, type NeighbourOrder, type NeighbourSearch, type NeighboursRequest, type NeighboursResult } from './neighbours';
export { latestCompletedRun, readRun, type RunSummary } from './runs';
export { DatabaseError, DimensionMismatchError, InvalidInputError, NotFoundError, RunNotReadyError } from './errors';

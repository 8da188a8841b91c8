import { registerEnumType } from 'type-graphql';

/**
 * Split of a data set. The GraphQL names are upper case, and the values are the database
 * enum's labels, so rows and arguments pass between Prisma and GraphQL without a mapping.
 */
export enum Split {
  TRAIN = 'train',
  TEST = 'test',
}

/** Lifecycle of a training run, with the database enum's labels as values (see Split). */
export enum RunStatus {
  QUEUED = 'queued',
  RUNNING = 'running',
  EMBEDDING = 'embedding',
  COMPLETED = 'completed',
  FAILED = 'failed',
  CANCELLED = 'cancelled',
}

registerEnumType(Split, { name: 'Split' });
registerEnumType(RunStatus, { name: 'RunStatus' });

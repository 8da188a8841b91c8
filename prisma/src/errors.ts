/**
 * Typed errors of the database package. `code` is stable so the API can map each class to a
 * GraphQL error code without matching messages.
 */
export abstract class DatabaseError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An image, run or data set that the request names does not exist (or has no embedding). */
export class NotFoundError extends DatabaseError {
  readonly code = 'NOT_FOUND';
}

/** A request argument is out of range or malformed (k, a vector, an id). */
export class InvalidInputError extends DatabaseError {
  readonly code = 'BAD_USER_INPUT';
}

/** The named run exists but its embeddings are not visible yet (status is not completed). */
export class RunNotReadyError extends DatabaseError {
  readonly code = 'RUN_NOT_READY';
}

/** A vector's length differs from the run's embedding dimension. */
export class DimensionMismatchError extends DatabaseError {
  readonly code = 'DIMENSION_MISMATCH';
}

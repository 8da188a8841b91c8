import { ApolloServerErrorCode } from '@apollo/server/errors';
import { DatabaseError } from '@dim/db';
import type { ValidationError } from 'class-validator';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';

import { ApiError } from './api-error';
import { ApiErrorCode } from './error-code';

/** The client-facing form of any error raised while serving a GraphQL request. */
export interface ClassifiedError {
  code: string;
  message: string;
  /** Extra `extensions` entries, e.g. the limit that was exceeded. */
  details: Record<string, unknown>;
  /** True for unexpected errors: their message is masked and they are logged with a stack. */
  internal: boolean;
}

/** Codes of the persistence layer's typed errors, mapped to the API's codes. */
const DATABASE_ERROR_CODES: Record<string, ApiErrorCode> = {
  NOT_FOUND: ApiErrorCode.NOT_FOUND,
  BAD_USER_INPUT: ApiErrorCode.BAD_USER_INPUT,
  RUN_NOT_READY: ApiErrorCode.RUN_NOT_READY,
  DIMENSION_MISMATCH: ApiErrorCode.DIMENSION_MISMATCH,
};

/**
 * Apollo Server's codes for requests rejected before execution. Their messages come from
 * graphql-js or Apollo, describe the request and contain no server state, so they pass through.
 */
const REQUEST_ERROR_CODES = new Set<string>([
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.BAD_USER_INPUT,
  ApolloServerErrorCode.BAD_REQUEST,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
]);

export const MASKED_MESSAGE =
  'Internal server error. The server log has the details under the request id in the X-Request-Id response header.';

/**
 * Maps an error to its client-facing code and message. This is the one place that decides
 * which errors reach the client as they are and which are masked.
 */
export function classifyError(error: unknown): ClassifiedError {
  const cause = innermostError(error);

  if (cause instanceof ApiError) {
    // `http` sets the response status (Apollo Server reads it) and is not for the client.
    const { code: _code, http: _http, ...details } = cause.extensions;
    return { code: cause.code, message: cause.message, details, internal: false };
  }
  if (cause instanceof ArgumentValidationError) {
    return {
      code: ApiErrorCode.BAD_USER_INPUT,
      message: describeValidationErrors(cause.extensions.validationErrors),
      details: {},
      internal: false,
    };
  }
  if (cause instanceof DatabaseError && cause.code in DATABASE_ERROR_CODES) {
    return { code: DATABASE_ERROR_CODES[cause.code], message: cause.message, details: {}, internal: false };
  }

  // Errors raised before execution (parse, validation, variable coercion) have no path;
  // an error with a path comes from a resolver and is internal unless handled above.
  const outer = error instanceof GraphQLError ? error : undefined;
  const outerCode = outer?.extensions.code;
  if (outer && !outer.path && typeof outerCode === 'string' && REQUEST_ERROR_CODES.has(outerCode)) {
    return { code: outerCode, message: outer.message, details: {}, internal: false };
  }

  return { code: ApiErrorCode.INTERNAL_SERVER_ERROR, message: MASKED_MESSAGE, details: {}, internal: true };
}

/** Apollo Server's `formatError`: applies classifyError and drops everything else. */
export function formatApiError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const classified = classifyError(error);
  return {
    message: classified.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { ...classified.details, code: classified.code },
  };
}

/**
 * Follows `originalError` from the error graphql-js or Apollo Server hands over (a located
 * GraphQLError, or Apollo's ValidationError around a rule's error) to the error first thrown.
 */
function innermostError(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) {
    current = current.originalError;
  }
  return current;
}

/**
 * Turns class-validator's errors into one sentence per invalid value, e.g.
 * "Invalid k 0: k must be >= 1." Nested input objects report the path, e.g. "page.limit".
 */
export function describeValidationErrors(errors: ValidationError[], prefix = ''): string {
  const sentences: string[] = [];
  for (const validationError of errors) {
    const name = prefix + validationError.property;
    const reasons = Object.values(validationError.constraints ?? {});
    if (reasons.length > 0) {
      sentences.push(`Invalid ${name} ${JSON.stringify(validationError.value)}: ${reasons.join('; ')}.`);
    }
    if (validationError.children?.length) {
      sentences.push(describeValidationErrors(validationError.children, `${name}.`));
    }
  }
  return sentences.join(' ');
}

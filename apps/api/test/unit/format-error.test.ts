import { DimensionMismatchError, InvalidInputError, NotFoundError, RunNotReadyError } from '@dim/db';
import { GraphQLError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';

import { ApiError } from '../../src/errors/api-error';
import { ApiErrorCode } from '../../src/errors/error-code';
import { classifyError, formatApiError, MASKED_MESSAGE } from '../../src/errors/format-error';

/** Wraps an error the way graphql-js does for one thrown by a resolver. */
function fromResolver(error: Error): GraphQLError {
  return new GraphQLError(error.message, { originalError: error, path: ['similar'] });
}

describe('classifyError', () => {
  it.each([
    [new NotFoundError('image 5 not found'), ApiErrorCode.NOT_FOUND],
    [new InvalidInputError('k must be an integer from 1 to 1000, got 0'), ApiErrorCode.BAD_USER_INPUT],
    [new RunNotReadyError('training run 3 is running'), ApiErrorCode.RUN_NOT_READY],
    [new DimensionMismatchError('embedding of image 1 has 32 dimensions'), ApiErrorCode.DIMENSION_MISMATCH],
    [new ApiError(ApiErrorCode.CONFLICT, 'Training run 2 is already completed'), ApiErrorCode.CONFLICT],
  ])('keeps the message of %p', (error, code) => {
    const classified = classifyError(fromResolver(error));
    expect(classified.code).toBe(code);
    expect(classified.message).toBe(error.message);
    expect(classified.internal).toBe(false);
  });

  it.each([
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a database failure', new Error('connect ECONNREFUSED 127.0.0.1:5433')],
    ['a coded GraphQLError', new GraphQLError('secret detail', { extensions: { code: 'BAD_USER_INPUT' } })],
  ])('masks %s from a resolver', (_case, error) => {
    const classified = classifyError(fromResolver(error));
    expect(classified).toEqual({ code: ApiErrorCode.INTERNAL_SERVER_ERROR, message: MASKED_MESSAGE, details: {}, internal: true });
  });

  it('passes request errors raised before execution through', () => {
    const error = new GraphQLError('Variable "$id" got invalid value 2.5', { extensions: { code: 'BAD_USER_INPUT' } });
    expect(classifyError(error)).toMatchObject({ code: 'BAD_USER_INPUT', message: error.message, internal: false });
  });

  it('unwraps a limit error reported by a validation rule', () => {
    const limit = new ApiError(ApiErrorCode.QUERY_TOO_DEEP, 'Query depth 9 exceeds the maximum of 8', { depth: 9 });
    const wrapped = new GraphQLError(limit.message, { originalError: limit, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(classifyError(wrapped)).toMatchObject({ code: ApiErrorCode.QUERY_TOO_DEEP, details: { depth: 9 } });
  });

  it('names each invalid argument value', () => {
    const error = new ArgumentValidationError([
      { property: 'k', value: 0, constraints: { min: 'k must be >= 1' }, children: [] },
      {
        property: 'page',
        value: { limit: 500 },
        children: [{ property: 'limit', value: 500, constraints: { max: 'limit must be <= 200' }, children: [] }],
      },
    ]);
    expect(classifyError(fromResolver(error))).toMatchObject({
      code: ApiErrorCode.BAD_USER_INPUT,
      message: 'Invalid k 0: k must be >= 1. Invalid page.limit 500: limit must be <= 200.',
    });
  });
});

describe('formatApiError', () => {
  it('keeps path and locations and drops the stack', () => {
    const error = fromResolver(new NotFoundError('image 5 not found'));
    const formatted = formatApiError(
      { message: error.message, path: ['similar'], locations: [{ line: 1, column: 3 }], extensions: { code: 'X', stacktrace: ['at x'] } },
      error,
    );
    expect(formatted).toEqual({
      message: 'image 5 not found',
      path: ['similar'],
      locations: [{ line: 1, column: 3 }],
      extensions: { code: ApiErrorCode.NOT_FOUND },
    });
  });

  it('keeps the http status out of the client extensions', () => {
    const error = new ApiError(ApiErrorCode.QUERY_TOO_COMPLEX, 'Query cost 9 exceeds the maximum of 1', { cost: 9, http: { status: 400 } });
    expect(formatApiError({ message: error.message }, error).extensions).toEqual({ code: ApiErrorCode.QUERY_TOO_COMPLEX, cost: 9 });
  });
});

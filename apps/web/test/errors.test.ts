import { GraphQLError } from 'graphql';
import { describeApiError, firstFieldNamedIn, hasErrorCode, mapErrorsToFields, type ApiError } from '../lib/graphql/errors';
import { TRAINING_FIELDS } from '../lib/training-form';

const API = 'http://127.0.0.1:4000';

function graphQLErrors(...errors: GraphQLError[]): ApiError {
  return { networkError: undefined, graphQLErrors: errors };
}

describe('describeApiError', () => {
  it('explains a network error with the API URL', () => {
    const [message] = describeApiError({ networkError: new Error('Failed to fetch'), graphQLErrors: [] }, API);
    expect(message).toContain('Could not reach the API at http://127.0.0.1:4000 (Failed to fetch)');
    expect(message).toContain('NEXT_PUBLIC_API_URL');
  });

  it('keeps the server message and adds the next step for known codes', () => {
    const error = graphQLErrors(
      new GraphQLError('Run 3 is running, not completed.', { extensions: { code: 'RUN_NOT_READY' } }),
      new GraphQLError('Image 99 not found.', { extensions: { code: 'NOT_FOUND' } }),
    );
    expect(describeApiError(error, API)).toEqual([
      'Run 3 is running, not completed. Pick a completed run, or wait until this run has written its embeddings.',
      'Image 99 not found.',
    ]);
  });

  it('hasErrorCode finds a code among several errors', () => {
    const error = graphQLErrors(new GraphQLError('a'), new GraphQLError('b', { extensions: { code: 'FORBIDDEN' } }));
    expect(hasErrorCode(error, 'FORBIDDEN')).toBe(true);
    expect(hasErrorCode(error, 'UNAUTHENTICATED')).toBe(false);
    expect(hasErrorCode(undefined, 'FORBIDDEN')).toBe(false);
  });
});

describe('firstFieldNamedIn', () => {
  it.each([
    ['batchSize must be at most 1024, got 5000', 'batchSize'],
    ['Variable "$input" got invalid value 1.5 at "input.epochs"; Int cannot represent non-integer value: 1.5', 'epochs'],
    ['checkpointEvery 5 is larger than epochs 2', 'checkpointEvery'],
    ['Unknown data set "mnist"', undefined],
    ['alphabet soup', undefined],
  ])('finds the field in %p', (message, expected) => {
    expect(firstFieldNamedIn(message, TRAINING_FIELDS)).toBe(expected);
  });
});

describe('mapErrorsToFields', () => {
  it('maps input errors that name a field', () => {
    const error = graphQLErrors(
      new GraphQLError('batchSize must be at most 1024, got 5000', { extensions: { code: 'BAD_USER_INPUT' } }),
      new GraphQLError('No worker backend is available.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
    );
    expect(mapErrorsToFields(error, TRAINING_FIELDS, API)).toEqual({
      fieldErrors: { batchSize: 'batchSize must be at most 1024, got 5000' },
      otherErrors: ['No worker backend is available.'],
    });
  });

  it('prefers extensions.field over the message', () => {
    const error = graphQLErrors(new GraphQLError('Too large for epochs', { extensions: { code: 'BAD_USER_INPUT', field: 'subsetSize' } }));
    expect(mapErrorsToFields(error, TRAINING_FIELDS, API).fieldErrors).toEqual({ subsetSize: 'Too large for epochs' });
  });

  it('reads nested class-validator errors', () => {
    const error = graphQLErrors(
      new GraphQLError('Argument Validation Error', {
        extensions: {
          code: 'BAD_USER_INPUT',
          validationErrors: [
            {
              property: 'input',
              children: [
                { property: 'learningRate', constraints: { max: 'learningRate must not be greater than 1' } },
                { property: 'gamma', constraints: { min: 'gamma must not be less than 0' } },
              ],
            },
          ],
        },
      }),
    );
    expect(mapErrorsToFields(error, TRAINING_FIELDS, API)).toEqual({
      fieldErrors: { learningRate: 'learningRate must not be greater than 1', gamma: 'gamma must not be less than 0' },
      otherErrors: [],
    });
  });

  it('returns a network error as a form error', () => {
    const mapped = mapErrorsToFields({ networkError: new Error('refused'), graphQLErrors: [] }, TRAINING_FIELDS, API);
    expect(mapped.fieldErrors).toEqual({});
    expect(mapped.otherErrors[0]).toContain('Could not reach the API');
  });
});

describe('mapErrorsToFields with several sentences', () => {
  it('splits one message across the fields', () => {
    const error = graphQLErrors(
      new GraphQLError(
        'Invalid input.batchSize 5000: batchSize must be <= 1024. Invalid input.gamma -1: gamma must be >= 0. Use the defaults when unsure.',
        { extensions: { code: 'BAD_USER_INPUT' } },
      ),
    );
    const mapped = mapErrorsToFields(error, TRAINING_FIELDS, API);
    expect(mapped.fieldErrors.batchSize).toBe('Invalid input.batchSize 5000: batchSize must be <= 1024.');
    expect(mapped.fieldErrors.gamma).toBe('Invalid input.gamma -1: gamma must be >= 0. Use the defaults when unsure.');
    expect(mapped.otherErrors).toEqual([]);
  });

  it('keeps an input sentence without a field as a form error', () => {
    const error = graphQLErrors(new GraphQLError('Data set "mnist" not found.', { extensions: { code: 'BAD_USER_INPUT' } }));
    expect(mapErrorsToFields(error, TRAINING_FIELDS, API)).toEqual({
      fieldErrors: {},
      otherErrors: ['Data set "mnist" not found.'],
    });
  });
});

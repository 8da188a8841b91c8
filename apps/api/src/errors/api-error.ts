import { GraphQLError } from 'graphql';

import { ApiErrorCode } from './error-code';

/**
 * An error whose message is safe to show to the client. Resolvers throw it for expected
 * failures; anything else is masked by formatApiError.
 */
export class ApiError extends GraphQLError {
  readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...details } });
    this.name = 'ApiError';
    this.code = code;
  }
}

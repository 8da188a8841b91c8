import type { AuthChecker } from 'type-graphql';

import type { ApiContext } from '../context';
import { ApiError } from '../errors/api-error';
import { ApiErrorCode } from '../errors/error-code';

/**
 * type-graphql's check for `@Authorized()` fields (the mutations). It throws ApiErrors rather
 * than returning false so the client learns which of the three cases it hit.
 */
export const adminAuthChecker: AuthChecker<ApiContext> = ({ context }) => {
  switch (context.adminAccess) {
    case 'granted':
      return true;
    case 'missing-token':
      throw new ApiError(
        ApiErrorCode.UNAUTHENTICATED,
        'Missing admin token: send it as "Authorization: Bearer <token>" to run mutations.',
      );
    case 'invalid-token':
      throw new ApiError(ApiErrorCode.UNAUTHENTICATED, 'Invalid admin token.');
    case 'disabled':
      throw new ApiError(
        ApiErrorCode.FORBIDDEN,
        'Mutations are disabled because the server has no admin token. Restart it with ADMIN_TOKEN set, ' +
          'or with API_LOCAL_ONLY=true on a loopback address.',
      );
  }
};

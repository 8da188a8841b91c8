import { performance } from 'node:perf_hooks';

import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';

import type { ApiContext } from '../context';
import { classifyError } from '../errors/format-error';

/**
 * Logs each GraphQL request (operation name, duration, error count) and each error with the
 * request id. Unexpected errors are logged at error level with their stack, because the
 * response masks their messages. Expected ones (bad input, not found) are logged at info level.
 * It also adds the request id to every error the client receives.
 */
export function loggingPlugin(logger: Logger): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart({ contextValue, request }) {
      const startedAt = performance.now();
      let operationName = request.operationName ?? null;

      return {
        async didResolveOperation({ operationName: resolvedName }) {
          operationName = resolvedName;
        },

        async didEncounterErrors({ errors, contextValue: context }) {
          for (const error of errors) {
            const classified = classifyError(error);
            const fields = { requestId: context.requestId, operationName, code: classified.code, path: error.path };
            if (classified.internal) {
              logger.error({ ...fields, err: error.originalError ?? error }, 'request failed with an internal error');
            } else {
              logger.info({ ...fields, message: classified.message }, 'request rejected');
            }
          }
        },

        async willSendResponse({ response }) {
          const durationMs = Math.round((performance.now() - startedAt) * 100) / 100;
          const body = response.body;
          const errors = body.kind === 'single' ? (body.singleResult.errors ?? []) : [];
          for (const error of errors) {
            (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
          }
          logger.info(
            { requestId: contextValue.requestId, operationName, durationMs, errorCount: errors.length },
            'graphql request',
          );
        },
      };
    },
  };
}

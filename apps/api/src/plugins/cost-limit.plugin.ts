import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

import type { ApiContext } from '../context';
import { ApiError } from '../errors/api-error';
import { ApiErrorCode } from '../errors/error-code';

export interface CostLimitOptions {
  schema: GraphQLSchema;
  /** Operations estimated above this cost are rejected with QUERY_TOO_COMPLEX. */
  maxCost: number;
}

/**
 * Rejects operations whose estimated cost (see query-cost.ts) is above `maxCost` before
 * they execute. It runs as a plugin rather than a validation rule because the cost of
 * similar(k: $k) depends on the request's variables, which validation rules cannot see.
 */
export function costLimitPlugin({ schema, maxCost }: CostLimitOptions): ApolloServerPlugin<ApiContext> {
  // Fields with a `complexity` option (type-graphql stores it in the field's extensions)
  // use it; every other field costs 1 plus its children.
  const estimators = [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })];

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, contextValue }) {
          // Invalid variables make execution reject the request with BAD_USER_INPUT before
          // any resolver runs, so there is no work to limit; getComplexity would throw on them.
          const coerced = getVariableValues(schema, operation?.variableDefinitions ?? [], request.variables ?? {});
          if (coerced.errors) return;

          // getComplexity coerces the variables itself, so it takes the raw ones: passing the
          // coerced values coerced enum values twice (Split's TEST became 'test', then failed).
          const cost = getComplexity({
            schema,
            query: document,
            variables: request.variables ?? {},
            operationName: request.operationName ?? undefined,
            estimators,
          });
          if (cost > maxCost) {
            throw new ApiError(
              ApiErrorCode.QUERY_TOO_COMPLEX,
              `Query cost ${cost} exceeds the maximum of ${maxCost}; lower k or the page limit, or request fewer fields.`,
              { cost, maxCost, http: { status: 400 } },
            );
          }
          contextValue.logger.debug({ cost }, 'query cost');
        },
      };
    },
  };
}

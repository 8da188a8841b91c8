import type { ApolloServerPlugin } from '@apollo/server';
import { visit, type ASTNode, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

import type { ApiContext } from '../context';
import { ApiError } from '../errors/api-error';
import { ApiErrorCode } from '../errors/error-code';
import { COST_ARGUMENTS } from './query-cost';

/**
 * Number of variable combinations whose cost is kept per document. Past it the document's
 * entries are dropped, so a client paging through offsets cannot grow the cache without bound.
 */
const MAX_COSTS_PER_DOCUMENT = 64;

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
  const costs = new CostCache();

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
          const variables = request.variables ?? {};
          const operationName = request.operationName ?? undefined;
          const cost = costs.get(document, operationName, variables, () =>
            getComplexity({ schema, query: document, variables, operationName, estimators }),
          );
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

/**
 * Remembers the cost of each parsed document. Estimating it walks the whole document against
 * the schema, a fifth of a millisecond for the dashboard's neighbour query, and Apollo hands
 * the same DocumentNode to every request with the same query text. Documents are weak keys,
 * so they go when Apollo's document cache drops them.
 */
class CostCache {
  private readonly byDocument = new WeakMap<DocumentNode, { costVariables: string[]; costs: Map<string, number> }>();

  get(document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>, estimate: () => number): number {
    let entry = this.byDocument.get(document);
    if (!entry) {
      entry = { costVariables: variablesInCostArguments(document), costs: new Map() };
      this.byDocument.set(document, entry);
    }
    const key = JSON.stringify([operationName ?? null, entry.costVariables.map((name) => variables[name] ?? null)]);
    const cached = entry.costs.get(key);
    if (cached !== undefined) return cached;

    const cost = estimate();
    if (entry.costs.size >= MAX_COSTS_PER_DOCUMENT) entry.costs.clear();
    entry.costs.set(key, cost);
    return cost;
  }
}

/**
 * Names of the variables that can change the document's cost: those inside a cost argument
 * (k, page) and those inside a directive, because @include and @skip decide which fields count.
 */
function variablesInCostArguments(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (node: ASTNode) =>
    visit(node, {
      Variable(variable) {
        names.add(variable.name.value);
      },
    });
  visit(document, {
    Argument(argument) {
      if (COST_ARGUMENTS.has(argument.name.value)) collect(argument.value);
    },
    Directive(directive) {
      collect(directive);
    },
  });
  return [...names].sort();
}

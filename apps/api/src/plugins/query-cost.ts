import type { ComplexityEstimatorArgs } from 'graphql-query-complexity';

import { INPUT_DEFAULTS, INPUT_LIMITS } from '../inputs/limits';

/**
 * Cost model of the cost limit: every field costs 1 plus its children, and a list field
 * costs its children once per item it can return. The similar and dissimilar queries
 * multiply their whole selection by k, which overestimates the query image and run parts
 * but keeps the rule simple and never underestimates.
 */

/**
 * Maximum estimated cost of one operation. It admits the dashboard's neighbours view, which
 * requests similar and dissimilar at k = 1000 with every image field (about 52,000), and
 * rejects four or more such queries aliased into one request.
 */
export const MAX_QUERY_COST = 100_000;

/**
 * Maximum depth of nested selections, counted from the operation's root fields. The current
 * schema has no cycles and its deepest path has 5 levels, so the limit guards against
 * fields added later (e.g. Dataset.images) that would let a query nest without bound.
 */
export const MAX_QUERY_DEPTH = 8;

/**
 * NOTE: an estimate. A run's metrics and checkpoints have no size argument. Their length is
 * the run's epoch count, which is at most TRAINING_LIMITS.maxEpochs but a few dozen in the
 * runs the dashboard starts.
 */
export const UNSIZED_LIST_ESTIMATE = 20;

/**
 * Names of the arguments that the estimators below read. The cost of a document depends on
 * the variables used in these arguments only, so the cost limit caches it by their values.
 */
export const COST_ARGUMENTS: ReadonlySet<string> = new Set(['k', 'page']);

/** Estimator of a field returning up to `size(args)` items of its selection. */
export function perItemCost(size: (args: Record<string, unknown>) => number) {
  return ({ args, childComplexity }: ComplexityEstimatorArgs): number => 1 + size(args) * childComplexity;
}

/** Size of a field paged by a PageInput argument named `page`. */
export function pageSize(args: Record<string, unknown>): number {
  const page = args.page as { limit?: number } | null | undefined;
  return Math.min(page?.limit ?? INPUT_DEFAULTS.pageSize, INPUT_LIMITS.maxPageSize);
}

/** Size of a neighbour query, its k argument. */
export function neighbourCount(args: Record<string, unknown>): number {
  const k = typeof args.k === 'number' ? args.k : INPUT_DEFAULTS.k;
  return Math.min(Math.max(k, 1), INPUT_LIMITS.maxK);
}

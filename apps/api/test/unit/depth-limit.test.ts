import { buildSchema, parse, specifiedRules, validate } from 'graphql';

import { ApiError } from '../../src/errors/api-error';
import { ApiErrorCode } from '../../src/errors/error-code';
import { depthLimitRule } from '../../src/plugins/depth-limit.rule';

// A schema with a cycle (Node.parent), where only the limit bounds the depth.
const schema = buildSchema(`
  type Node { id: Int! parent: Node children: [Node!]! }
  type Query { node: Node }
`);

function depthErrors(query: string, maxDepth: number) {
  return validate(schema, parse(query), [...specifiedRules, depthLimitRule(maxDepth)]);
}

describe('depthLimitRule', () => {
  it.each([
    ['{ node { id } }', 2, 0],
    ['{ node { parent { id } } }', 3, 0],
    ['{ node { parent { parent { id } } } }', 3, 1],
    ['{ node { children { parent { id } } } }', 3, 1],
    ['{ __typename node { id } }', 2, 0],
    ['{ __schema { types { fields { type { ofType { ofType { name } } } } } } }', 2, 0],
    ['{ node { ... on Node { parent { id } } } }', 2, 1],
    ['query Q { node { ...deep } } fragment deep on Node { parent { parent { id } } }', 3, 1],
    ['query Q { node { ...shallow } } fragment shallow on Node { id }', 2, 0],
  ])('checks %s at max %i', (query, maxDepth, errorCount) => {
    expect(depthErrors(query, maxDepth)).toHaveLength(errorCount);
  });

  it('reports the depth and the operation name', () => {
    const [error] = depthErrors('query Deep { node { parent { parent { id } } } }', 2);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(ApiErrorCode.QUERY_TOO_DEEP);
    expect(error.message).toBe('Query depth 4 of Deep exceeds the maximum of 2; request fewer nested fields.');
    expect(error.extensions).toMatchObject({ depth: 4, maxDepth: 2 });
  });

  it('stops at fragment cycles', () => {
    const errors = depthErrors('query Q { node { ...a } } fragment a on Node { parent { ...a } }', 8);
    expect(errors.some((error) => error.message.includes('Cannot spread fragment "a" within itself'))).toBe(true);
  });
});

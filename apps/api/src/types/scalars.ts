import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';

/**
 * graphql-scalars' DateTime (RFC 3339 strings, serialized from Date) and JSON scalars. The
 * contract in schema.graphql declares both without a description or @specifiedBy, so the
 * copies drop those two properties and keep the parsing and serialization.
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  description: undefined,
  specifiedByURL: undefined,
});

export const JSONScalar = new GraphQLScalarType({
  ...JSONResolver.toConfig(),
  description: undefined,
  specifiedByURL: undefined,
});

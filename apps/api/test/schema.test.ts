import { readFileSync } from 'node:fs';
import path from 'node:path';

import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';

import { buildApiSchema } from '../src/schema';

describe('GraphQL schema', () => {
  it('matches schema.graphql', async () => {
    const contract = readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8');
    const expected = printSchema(lexicographicSortSchema(buildSchema(contract)));

    const actual = printSchema(lexicographicSortSchema(await buildApiSchema()));

    expect(actual).toBe(expected);
  });
});

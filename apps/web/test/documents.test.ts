import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, validate, type DocumentNode } from 'graphql';
import { IMAGES_QUERY, RANDOM_IMAGE_QUERY } from '../lib/graphql/images';
import { NEIGHBOURS_QUERY } from '../lib/graphql/neighbours';
import {
  CANCEL_TRAINING_MUTATION,
  DATASETS_QUERY,
  START_TRAINING_MUTATION,
  TRAINING_RUN_QUERY,
  TRAINING_RUNS_QUERY,
} from '../lib/graphql/runs';

// The API's schema contract; the API checks that its generated schema matches this file.
const schema = buildSchema(readFileSync(path.resolve(__dirname, '../../api/schema.graphql'), 'utf8'));

const DOCUMENTS: Record<string, DocumentNode> = {
  IMAGES_QUERY,
  RANDOM_IMAGE_QUERY,
  NEIGHBOURS_QUERY,
  CANCEL_TRAINING_MUTATION,
  DATASETS_QUERY,
  START_TRAINING_MUTATION,
  TRAINING_RUN_QUERY,
  TRAINING_RUNS_QUERY,
};

describe('GraphQL documents', () => {
  it.each(Object.entries(DOCUMENTS))('%s is valid against schema.graphql', (_name, document) => {
    expect(validate(schema, document).map((error) => error.message)).toEqual([]);
  });
});

import 'reflect-metadata';

import { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';

import { adminAuthChecker } from './auth/auth-checker';
import { DatasetResolver } from './resolvers/dataset.resolver';
import { ImageResolver } from './resolvers/image.resolver';
import { NeighbourResolver } from './resolvers/neighbour.resolver';
import { TrainingControlResolver } from './resolvers/training-control.resolver';
import { TrainingRunResolver } from './resolvers/training-run.resolver';
import { JSONScalar } from './types/scalars';

/**
 * Builds the executable schema from the type-graphql classes. schema.graphql is the agreed
 * form of it; test/schema.test.ts checks that the two match.
 */
export async function buildApiSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [DatasetResolver, ImageResolver, NeighbourResolver, TrainingRunResolver, TrainingControlResolver],
    authChecker: adminAuthChecker,
    // forbidUnknownValues rejects argument objects without class-validator metadata, which
    // type-graphql passes for arguments that have no decorators (e.g. the optional split).
    validate: { forbidUnknownValues: false },
  });

  // schema.graphql declares a JSON scalar that no field uses yet. type-graphql only emits
  // reachable types, so the scalar is added here to keep the two schemas identical.
  const config = schema.toConfig();
  return new GraphQLSchema({ ...config, types: [...config.types, JSONScalar] });
}

import type { PrismaClient } from '@dim/db';
import type { Logger } from 'pino';

import type { AdminAccess } from './auth/admin-token';
import type { DatasetCache } from './db/dataset-cache';
import { RequestLoaders } from './loaders';

/** Per-request state handed to every resolver. */
export interface ApiContext {
  db: PrismaClient;
  /** Also sent to the client as the X-Request-Id header and in each error's extensions. */
  requestId: string;
  /** Child logger that adds requestId to every line. */
  logger: Logger;
  adminAccess: AdminAccess;
  loaders: RequestLoaders;
}

export function createContext(fields: Omit<ApiContext, 'loaders'>, datasetCache: DatasetCache): ApiContext {
  return { ...fields, loaders: new RequestLoaders(fields.db, datasetCache) };
}

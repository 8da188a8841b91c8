import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

import type { ApolloServer } from '@apollo/server';
import type { PrismaClient } from '@dim/db';
import type { Logger } from 'pino';

import { resolveAdminAccess, type AdminPolicy } from '../auth/admin-token';
import { createContext, type ApiContext } from '../context';
import { DatasetCache } from '../db/dataset-cache';
import { ApiErrorCode } from '../errors/error-code';
import { MASKED_MESSAGE } from '../errors/format-error';
import { applyCors } from './cors';
import { handleGraphqlRequest } from './graphql.route';
import { checkHealth, sendHealth } from './health.route';
import { handleImageRequest, IMAGE_PATH } from './image.route';
import { sendError } from './responses';

export const GRAPHQL_PATH = '/graphql';
export const HEALTH_PATH = '/health';

export interface RouterOptions {
  apollo: ApolloServer<ApiContext>;
  db: PrismaClient;
  logger: Logger;
  adminPolicy: AdminPolicy;
  corsOrigins: readonly string[];
  /** Migration folder names of this build, for the health check. */
  migrationNames: readonly string[];
}

/** A client-sent X-Request-Id is kept only if it is short and plain, so it is safe to log. */
const CLIENT_REQUEST_ID = /^[\w.-]{1,64}$/;

/** Creates the HTTP request listener: GraphQL, the PNG route and the health check. */
export function createRouter(options: RouterOptions): RequestListener {
  const { apollo, db, logger, adminPolicy, corsOrigins, migrationNames } = options;
  const datasetCache = new DatasetCache(db);

  async function route(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    if (applyCors(req, res, corsOrigins)) return;
    const url = new URL(req.url ?? '/', 'http://localhost');

    if (url.pathname === GRAPHQL_PATH) {
      await handleGraphqlRequest(apollo, req, res, url, async () =>
        createContext(
          {
            db,
            requestId,
            logger: logger.child({ requestId }),
            adminAccess: resolveAdminAccess(adminPolicy, req.headers.authorization),
          },
          datasetCache,
        ),
      );
      return;
    }

    const imageMatch = IMAGE_PATH.exec(url.pathname);
    if (imageMatch) {
      await handleImageRequest(db, req, res, imageMatch[1]);
      return;
    }

    if (url.pathname === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      sendHealth(res, await checkHealth(db, migrationNames, logger.child({ requestId })));
      return;
    }

    sendError(
      res,
      404,
      ApiErrorCode.NOT_FOUND,
      `No route for ${req.method} ${url.pathname}. Routes: POST ${GRAPHQL_PATH}, GET /images/<id>.png, GET ${HEALTH_PATH}.`,
    );
  }

  return (req, res) => {
    const startedAt = performance.now();
    const sentId = req.headers['x-request-id'];
    const requestId = typeof sentId === 'string' && CLIENT_REQUEST_ID.test(sentId) ? sentId : randomUUID();
    res.setHeader('X-Request-Id', requestId);

    route(req, res, requestId)
      .catch((error: unknown) => {
        logger.error({ err: error, requestId, method: req.method, url: req.url }, 'HTTP request failed');
        if (!res.headersSent) {
          sendError(res, 500, ApiErrorCode.INTERNAL_SERVER_ERROR, MASKED_MESSAGE);
        } else {
          res.destroy();
        }
      })
      .finally(() => {
        const durationMs = Math.round((performance.now() - startedAt) * 100) / 100;
        const fields = { requestId, method: req.method, url: req.url, status: res.statusCode, durationMs };
        // Rejected requests (bad image ids, unknown paths, oversized bodies) are logged at info
        // level; the many successful PNG and health requests only at debug level.
        if (res.statusCode >= 400) logger.info(fields, 'HTTP request rejected');
        else logger.debug(fields, 'HTTP request');
      });
  };
}

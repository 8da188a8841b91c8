import type { IncomingMessage, ServerResponse } from 'node:http';

import { HeaderMap, type ApolloServer } from '@apollo/server';

import type { ApiContext } from '../context';
import { ApiErrorCode } from '../errors/error-code';
import { readJsonBody, RequestBodyError } from './request-body';
import { sendJson } from './responses';

/**
 * Largest accepted request body. Dashboard operations are a few kilobytes; the limit keeps a
 * client from making the server buffer and parse megabytes of query text.
 */
export const MAX_BODY_BYTES = 100 * 1024;

/**
 * Serves one GraphQL request over HTTP with Apollo Server, the way Apollo's own
 * integrations do: translate the Node request, run it, and copy the result back.
 */
export async function handleGraphqlRequest(
  apollo: ApolloServer<ApiContext>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  createContext: () => Promise<ApiContext>,
): Promise<void> {
  let body: unknown;
  try {
    body = req.method === 'POST' ? await readJsonBody(req, MAX_BODY_BYTES) : undefined;
  } catch (error) {
    if (!(error instanceof RequestBodyError)) throw error;
    sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: ApiErrorCode.BAD_USER_INPUT } }] });
    return;
  }

  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }

  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
    context: createContext,
  });

  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

import type { ServerResponse } from 'node:http';

import type { ApiErrorCode } from '../errors/error-code';

/** Sends a JSON body with the given status. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * Sends an error of a non-GraphQL route (PNG, health) in the same shape as a GraphQL error's
 * message and code, so clients read both the same way.
 */
export function sendError(res: ServerResponse, status: number, code: ApiErrorCode | string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

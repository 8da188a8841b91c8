import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request headers the dashboard's GraphQL client sends cross-origin. */
const ALLOWED_HEADERS = 'Content-Type, Authorization, Apollo-Require-Preflight, X-Apollo-Operation-Name, X-Request-Id';

/** How long browsers may cache a preflight response, in seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * Adds CORS headers for requests from an allowed origin. `allowedOrigins` lists exact
 * origins (scheme, host and port), and "*" allows any. Returns true when the request was a
 * preflight, which this function has already responded to.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, allowedOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  // Responses differ by Origin, so shared caches must key on it.
  res.setHeader('Vary', 'Origin');
  const allowed = origin !== undefined && (allowedOrigins.includes('*') || allowedOrigins.includes(origin));
  if (allowed) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', 'ETag, X-Request-Id');
  }

  const isPreflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  if (!isPreflight) return false;

  if (allowed) {
    res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
  }
  // Without the Allow-* headers the browser blocks a disallowed origin's actual request.
  res.statusCode = 204;
  res.end();
  return true;
}

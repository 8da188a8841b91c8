import { Client, cacheExchange, fetchExchange, type Exchange, type Operation } from 'urql';
import { filter } from 'wonka';
import { graphqlEndpoint } from '../config';

/**
 * Exchange used while Next.js renders on the server: it drops every operation, so server
 * HTML shows the loading state and only the browser talks to the API. The dashboard has
 * no server-side data needs, and a server-side fetch during `next build` would hit an API
 * that is not running.
 */
const serverRenderExchange: Exchange = () => (operations$) =>
  filter((_operation: Operation): _operation is never => false)(operations$);

export function createApiClient(apiUrl?: string): Client {
  const isServer = typeof window === 'undefined';
  return new Client({
    url: graphqlEndpoint(apiUrl),
    exchanges: isServer ? [serverRenderExchange] : [cacheExchange, fetchExchange],
    // urql 5 sends short queries as GET by default, and Apollo Server's CSRF prevention
    // rejects a GET without a preflight-forcing header with HTTP 400. POST with a JSON body
    // always forces the CORS preflight.
    preferGetMethod: false,
  });
}

/** Request headers that authorise a mutation with the admin token. */
export function adminHeaders(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token.trim()}` };
}

const DEFAULT_API_URL = 'http://127.0.0.1:4000';

/**
 * Strip trailing slashes from an API origin and fall back to the local default, so that
 * relative image URLs such as /images/123.png can be appended as they are.
 */
export function normaliseApiUrl(value: string | undefined): string {
  const trimmed = value?.trim() ?? '';
  const url = trimmed === '' ? DEFAULT_API_URL : trimmed;
  return url.replace(/\/+$/, '');
}

/**
 * Origin of the GraphQL API, which also serves the image PNGs. Next.js inlines
 * NEXT_PUBLIC_ variables at build time, so changing it needs a new `next build`.
 */
export const API_URL = normaliseApiUrl(process.env.NEXT_PUBLIC_API_URL);

export function graphqlEndpoint(apiUrl: string = API_URL): string {
  return `${apiUrl}/graphql`;
}

/** Absolute URL of an image PNG given the relative Image.url the API returns. */
export function imageSource(relativeUrl: string, apiUrl: string = API_URL): string {
  if (/^https?:\/\//.test(relativeUrl)) {
    return relativeUrl;
  }
  const path = relativeUrl.startsWith('/') ? relativeUrl : `/${relativeUrl}`;
  return `${apiUrl}${path}`;
}

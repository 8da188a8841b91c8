/** A GraphQL response as the server sends it, plus the HTTP status and headers. */
export interface GraphqlResponse<Data = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions: Record<string, unknown> & { code: string } }[];
}

/** Sends one GraphQL operation over HTTP with fetch, the way the dashboard's client does. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read fields without declaring each response shape
export async function graphql<Data = Record<string, any>>(
  graphqlUrl: string,
  query: string,
  options: { variables?: Record<string, unknown>; token?: string; headers?: Record<string, string> } = {},
): Promise<GraphqlResponse<Data>> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  const body = (await response.json()) as Omit<GraphqlResponse<Data>, 'status' | 'headers'>;
  return { status: response.status, headers: response.headers, ...body };
}

/** Send one GraphQL request to the API and return its data, raising on any error. */
export async function requestGraphQL<Data>(
  apiUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  adminToken?: string,
): Promise<Data> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (adminToken) {
    headers.Authorization = `Bearer ${adminToken}`;
  }
  const response = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: Data; errors?: { message: string }[] };
  if (body.errors?.length) {
    throw new Error(`GraphQL request failed: ${body.errors.map((error) => error.message).join(' ')}`);
  }
  if (!body.data) {
    throw new Error(`GraphQL request returned no data (HTTP ${response.status}).`);
  }
  return body.data;
}

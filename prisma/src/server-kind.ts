import type pg from 'pg';

/**
 * True when the server is PGlite. Its wire-protocol bridge (pglite-socket 0.2) does not
 * support COPY FROM STDIN, so bulk writes fall back to multi-row INSERTs there.
 */
export async function isPglite(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ version: string }>('SELECT version()');
  return rows[0].version.includes('PGlite');
}

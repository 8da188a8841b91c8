import path from 'node:path';

import { startEmbeddedDatabase } from './embedded/server';

/** A database to connect to; `stop` is set when this process started an embedded one. */
export interface ResolvedDatabase {
  url: string;
  /** Stops the embedded server started by resolveDatabase; absent for external databases. */
  stop?: () => Promise<void>;
}

/** Default PGlite data folder: <repo>/data/pglite (the repository's data directory). */
export const DEFAULT_PGLITE_DIR = path.resolve(__dirname, '../../data/pglite');

/** Default port of the embedded server, one above PostgreSQL's 5432 to avoid a local server. */
export const DEFAULT_PGLITE_PORT = 5433;

/**
 * Resolves the database of this process from the environment.
 *
 * - DATABASE_URL set: that server is used as is.
 * - Otherwise the embedded PGlite database in PGLITE_DATA_DIR (default data/pglite) is served
 *   on 127.0.0.1:PGLITE_PORT (default 5433; 0 picks a free port). When another process (the
 *   API or the trainer) already serves that folder, its server is reused, so every component
 *   talks to the same database through the same kind of connection string.
 */
export async function resolveDatabase(env: NodeJS.ProcessEnv = process.env): Promise<ResolvedDatabase> {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error(`DATABASE_URL must be a postgresql:// URL, got "${url}"; unset it to use the embedded database`);
    }
    return { url };
  }

  const port = parsePort(env.PGLITE_PORT);
  const dataDir = path.resolve(env.PGLITE_DATA_DIR?.trim() || DEFAULT_PGLITE_DIR);
  const embedded = await startEmbeddedDatabase({ dataDir, host: '127.0.0.1', port });
  return { url: embedded.url, stop: embedded.stop };
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PGLITE_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PGLITE_PORT must be an integer from 0 (any free port) to 65535, got "${value}"`);
  }
  return port;
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../../tools/setup/start-postgres.sh');

/**
 * Makes TEST_DATABASE_URL_PG available to every test file. When it is unset, a throw-away
 * PostgreSQL cluster is started with tools/setup/start-postgres.sh and stopped by the teardown.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL_PG) return;

  const dir = mkdtempSync(path.join(os.tmpdir(), 'dim-db-test-pg-'));
  const port = await freePort();
  let url: string;
  try {
    url = execFileSync(SCRIPT, [dir, String(port), 'dim_test'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(
      `TEST_DATABASE_URL_PG is unset and starting a PostgreSQL server with ${SCRIPT} failed:\n${stderr}\n` +
        'Set TEST_DATABASE_URL_PG to a PostgreSQL 15+ database with pgvector, or install pgvector with tools/setup/install-pgvector.sh.',
    );
  }
  process.env.TEST_DATABASE_URL_PG = url;
  process.env.DIM_TEST_PG_CLUSTER_DIR = dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
    server.once('error', reject);
  });
}

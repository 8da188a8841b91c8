// Child process that owns a PGlite database and serves it over the Postgres wire protocol.
// It is plain JavaScript so it runs on bare Node. It runs apart from its parent for two
// reasons. PGlite loads its WASM through dynamic import(), which Jest's module sandbox
// rejects. And its single-threaded query execution would otherwise block the parent's event loop.
//
// Protocol: argv[2] is a JSON object { dataDir, host, port, maxConnections }. The process
// prints one JSON line { port } on stdout once it listens, or { error } when it cannot start,
// and shuts down cleanly on SIGTERM, SIGINT or when its stdin closes (the parent exited).
import process from 'node:process';

import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

import { groupExtendedProtocol } from './protocol-grouping.mjs';

const options = JSON.parse(process.argv[2]);

async function main() {
  const db = await PGlite.create({ dataDir: options.dataDir, extensions: { vector } });
  const server = new PGLiteSocketServer({ db, host: options.host, port: options.port, maxConnections: options.maxConnections });
  groupExtendedProtocol(server.queryQueue);
  let port = options.port;
  server.addEventListener('listening', (event) => {
    port = event.detail.port;
  });
  await server.start();

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();

  process.stdout.write(`${JSON.stringify({ port })}\n`);
}

main().catch((error) => {
  process.stdout.write(`${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`);
  process.exit(1);
});

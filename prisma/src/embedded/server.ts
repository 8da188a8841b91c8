import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { logger } from '../logger';

export interface EmbeddedDatabaseOptions {
  /** PGlite data folder, created when missing. */
  dataDir: string;
  /** Interface to listen on; only loopback addresses are accepted because there is no authentication. */
  host?: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  /**
   * Client connections the server accepts at once, over all processes (default 100). PGlite
   * has a single backend, so pglite-socket runs one protocol message at a time and keeps a
   * connection that is inside a transaction in front of the others.
   */
  maxConnections?: number;
}

export interface EmbeddedDatabase {
  url: string;
  /** True when another process already served this folder and this call only connected to it. */
  reused: boolean;
  /** Stops the server and closes the database; a no-op for a reused server. */
  stop(): Promise<void>;
}

interface ServerLock {
  pid: number;
  host: string;
  port: number;
}

const DEFAULT_MAX_CONNECTIONS = 100;
const OWNER_START_TIMEOUT_MS = 60_000;

/** Builds the connection string of an embedded server. PGlite ignores user and password. */
export function embeddedDatabaseUrl(host: string, port: number): string {
  return `postgresql://postgres:postgres@${host}:${port}/postgres?sslmode=disable`;
}

/**
 * Starts PGlite with pgvector on `dataDir` in a child process (server-process.mjs) that serves
 * it over the Postgres wire protocol, or connects to the server another process already runs
 * for the same folder.
 *
 * A PGlite folder must be opened by one process only, so the owner writes `<dataDir>.server.json`
 * (created exclusively) with its pid and address; later callers reuse that server while the
 * pid is alive and the port answers, and replace the file when its owner died.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    throw new Error(`embedded database host must be a loopback address such as 127.0.0.1, got "${host}"`);
  }
  const dataDir = path.resolve(options.dataDir);
  const lockPath = `${dataDir}.server.json`;
  await fs.mkdir(path.dirname(dataDir), { recursive: true });

  const deadline = Date.now() + OWNER_START_TIMEOUT_MS;
  for (;;) {
    const existing = await readLock(lockPath);
    if (existing) {
      if (await isServing(existing)) {
        logger.info({ dataDir, host: existing.host, port: existing.port, ownerPid: existing.pid }, 'reusing embedded database server');
        return { url: embeddedDatabaseUrl(existing.host, existing.port), reused: true, stop: async () => {} };
      }
      if (isAlive(existing.pid) && existing.pid !== process.pid && Date.now() < deadline) {
        // The owner is still starting (port 0 in the file) or briefly busy: wait for it.
        await sleep(200);
        continue;
      }
      logger.warn({ lockPath, ownerPid: existing.pid }, 'removing stale embedded database lock file');
      await fs.rm(lockPath, { force: true });
    }

    const claimed = await claimLock(lockPath, { pid: process.pid, host, port: 0 });
    if (!claimed) continue; // Another process won the race; read its lock file again.
    try {
      return await serve(dataDir, lockPath, host, options);
    } catch (error) {
      await fs.rm(lockPath, { force: true });
      throw error;
    }
  }
}

const SERVER_PROCESS = path.join(__dirname, 'server-process.mjs');
const SERVER_START_TIMEOUT_MS = 60_000;

async function serve(dataDir: string, lockPath: string, host: string, options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const startedAt = Date.now();
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const child = spawn(process.execPath, [SERVER_PROCESS, JSON.stringify({ dataDir, host, port: options.port, maxConnections })], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let port: number;
  try {
    port = await readListeningPort(child, host, options.port);
  } catch (error) {
    child.kill('SIGTERM');
    await exited;
    throw error;
  }
  await fs.writeFile(lockPath, JSON.stringify({ pid: process.pid, host, port } satisfies ServerLock));
  logger.info({ dataDir, host, port, maxConnections, serverPid: child.pid, ms: Date.now() - startedAt }, 'embedded database server started');

  let stopped = false;
  child.once('exit', (code, signal) => {
    if (!stopped) logger.error({ dataDir, port, code, signal }, 'embedded database server exited unexpectedly');
  });
  // The child also stops when its stdin closes, so it never outlives this process.
  child.stdin?.on('error', () => undefined);

  return {
    url: embeddedDatabaseUrl(host, port),
    reused: false,
    async stop() {
      if (stopped) return;
      stopped = true;
      child.kill('SIGTERM');
      await exited;
      await fs.rm(lockPath, { force: true });
      logger.info({ dataDir, port }, 'embedded database server stopped');
    },
  };
}

/** Waits for the child's first stdout line: { port } once it listens, or { error }. */
function readListeningPort(child: ChildProcess, host: string, requestedPort: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`embedded database server did not start within ${SERVER_START_TIMEOUT_MS} ms`)), SERVER_START_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      const message = JSON.parse(buffer.slice(0, newline)) as { port?: number; error?: string };
      if (message.port !== undefined) resolve(message.port);
      else reject(new Error(`embedded database could not start on ${host}:${requestedPort} (${message.error}); set PGLITE_PORT to a free port or check the data folder`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded database server exited with code ${code} before listening on ${host}:${requestedPort}`));
    });
  });
}

async function readLock(lockPath: string): Promise<ServerLock | null> {
  try {
    return JSON.parse(await fs.readFile(lockPath, 'utf8')) as ServerLock;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (error instanceof SyntaxError) return { pid: -1, host: '127.0.0.1', port: 0 }; // Half-written file: treat as stale.
    throw error;
  }
}

async function claimLock(lockPath: string, lock: ServerLock): Promise<boolean> {
  try {
    await fs.writeFile(lockPath, JSON.stringify(lock), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isServing(lock: ServerLock): Promise<boolean> {
  if (lock.port === 0 || !isAlive(lock.pid)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = net.connect({ host: lock.host, port: lock.port });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { Logger } from 'pino';

import { REPO_ROOT } from './config';

const WEB_DIR = path.join(REPO_ROOT, 'apps', 'web');
const DIST_DIR = '.next';
const STAMP_FILE = path.join(WEB_DIR, DIST_DIR, 'dim-build-stamp');
const NEXT_BIN = require.resolve('next/dist/bin/next', { paths: [WEB_DIR] });
/** Sources whose change needs a new `next build`. */
const SOURCE_ENTRIES = ['app', 'components', 'lib', 'next.config.ts', 'package.json', 'tsconfig.json'];

export interface Dashboard {
  url: string;
  stop(): Promise<void>;
}

/**
 * Builds the dashboard when its sources or the API URL changed since the last build (the URL
 * is compiled into the browser bundle as NEXT_PUBLIC_API_URL), then serves it with
 * `next start` on 127.0.0.1.
 */
export async function startDashboard(apiUrl: string, port: number, logger: Logger): Promise<Dashboard> {
  const env = { ...process.env, NEXT_PUBLIC_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' as const, NEXT_DIST_DIR: DIST_DIR };
  const stamp = buildStamp(apiUrl);
  const previous = existsSync(STAMP_FILE) ? readFileSync(STAMP_FILE, 'utf8') : '';

  if (previous === stamp) {
    logger.info('Dashboard build is up to date; reusing it');
  } else {
    logger.info('Building the dashboard (next build, about 1 to 3 minutes on 2 cores)');
    const started = Date.now();
    const build = spawn(process.execPath, [NEXT_BIN, 'build'], { cwd: WEB_DIR, env });
    const output = collect(build);
    const code = await exited(build);
    if (code !== 0) throw new Error(`next build failed with exit code ${code}:\n${output.join('').slice(-4000)}`);
    writeFileSync(STAMP_FILE, stamp);
    logger.info({ seconds: Math.round((Date.now() - started) / 1000) }, 'Dashboard built');
  }

  const server = spawn(process.execPath, [NEXT_BIN, 'start', '--hostname', '127.0.0.1', '--port', String(port)], { cwd: WEB_DIR, env });
  const output = collect(server);
  const exit = exited(server);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      await exit;
    }
  };
  try {
    await waitForHttp(url, 60_000, exit);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\nnext start output:\n${output.join('').slice(-4000)}`);
  }
  return { url, stop };
}

/** Hash of the dashboard sources (paths, sizes and modification times) and the API URL. */
function buildStamp(apiUrl: string): string {
  const hash = createHash('sha256').update(apiUrl);
  const visit = (entry: string) => {
    const stats = statSync(entry);
    if (stats.isDirectory()) {
      for (const child of readdirSync(entry).sort()) visit(path.join(entry, child));
    } else {
      hash.update(`${path.relative(WEB_DIR, entry)}:${stats.size}:${stats.mtimeMs}\n`);
    }
  };
  for (const entry of SOURCE_ENTRIES) {
    const full = path.join(WEB_DIR, entry);
    if (existsSync(full)) visit(full);
  }
  return hash.digest('hex');
}

function collect(child: ChildProcess): string[] {
  const chunks: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return chunks;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

async function waitForHttp(url: string, timeoutMs: number, exit: Promise<number | null>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exit.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`next start exited with code ${exitCode} before serving ${url}`);
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for the dashboard at ${url}; see the next start output below`);
}

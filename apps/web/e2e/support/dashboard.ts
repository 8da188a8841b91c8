import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** Folder of the @dim/web package, where `next` runs. */
const WEB_DIR = path.resolve(__dirname, '..', '..');

/**
 * Build output of the end-to-end test, separate from `.next` so a developer's build or
 * dev server is left alone. next.config.ts reads it from NEXT_DIST_DIR.
 */
const E2E_DIST_DIR = '.next-e2e';

const NEXT_BIN = require.resolve('next/dist/bin/next');

export interface DashboardServer {
  url: string;
  stop(): Promise<void>;
}

function dashboardEnv(apiUrl: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NEXT_PUBLIC_API_URL: apiUrl,
    NEXT_DIST_DIR: E2E_DIST_DIR,
    NEXT_TELEMETRY_DISABLED: '1',
    NODE_ENV: 'production',
  };
}

/**
 * Run `next build` for an API at `apiUrl`. The URL is compiled into the browser bundle
 * (NEXT_PUBLIC_API_URL), so every test run builds again.
 */
export async function buildDashboard(apiUrl: string): Promise<void> {
  const child = spawn(process.execPath, [NEXT_BIN, 'build'], { cwd: WEB_DIR, env: dashboardEnv(apiUrl) });
  const output = collectOutput(child);
  const code = await exitCode(child);
  if (code !== 0) {
    throw new Error(`next build failed with exit code ${code}:\n${output.join('')}`);
  }
}

/** Start `next start` on 127.0.0.1:`port` and wait until it serves the runs page. */
export async function startDashboard(apiUrl: string, port: number): Promise<DashboardServer> {
  const child = spawn(process.execPath, [NEXT_BIN, 'start', '--hostname', '127.0.0.1', '--port', String(port)], {
    cwd: WEB_DIR,
    env: dashboardEnv(apiUrl),
  });
  const output = collectOutput(child);
  const url = `http://127.0.0.1:${port}`;
  const exited = exitCode(child);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };

  try {
    await waitForHttp(`${url}/runs`, 60_000, exited);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\nnext start output:\n${output.join('')}`);
  }
  return { url, stop };
}

function collectOutput(child: ChildProcess): string[] {
  const chunks: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return chunks;
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

async function waitForHttp(url: string, timeoutMs: number, exited: Promise<number | null>): Promise<void> {
  let processExited = false;
  void exited.then(() => {
    processExited = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (processExited) {
      throw new Error(`The dashboard server exited before serving ${url}.`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet: try again below.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The dashboard did not serve ${url} within ${timeoutMs / 1000} s.`);
}

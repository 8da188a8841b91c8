import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import path from 'node:path';

/** Repository root: tools/src/start/ is three levels down. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/**
 * Settings of the one-command launcher (`npm start`). Each comes from the environment or a
 * .env file at the repository root; the README's configuration table lists them.
 */
export interface LauncherConfig {
  /** Folder holding CIFAR-10 (cifar-10-batches-bin/ or cifar-10-binary.tar.gz), or the batches folder itself. */
  dataDir: string;
  /** Download CIFAR-10 into dataDir when it is not there. */
  allowDownload: boolean;
  /** External PostgreSQL; unset means the embedded PGlite database. */
  databaseUrl: string | undefined;
  /** Folder of per-run checkpoints. */
  runsDir: string;
  apiPort: number;
  webPort: number;
  adminToken: string;
  /** True when the token was generated and stored by the launcher rather than set by the user. */
  adminTokenGenerated: boolean;
  demo: {
    preset: string;
    epochs: number;
    subsetSize: number;
    batchSize: number;
    backend: string;
  };
  /** Skip the Next.js dashboard (API and worker only). */
  noWeb: boolean;
}

export class ConfigError extends Error {}

/**
 * Loads `root`/.env into `env` (values already set win), then reads and checks every setting.
 * Relative paths count from `root`, the repository root unless a test passes another folder.
 */
export function loadLauncherConfig(env: NodeJS.ProcessEnv = process.env, root: string = REPO_ROOT): LauncherConfig {
  const envFile = path.join(root, '.env');
  if (existsSync(envFile)) {
    for (const [name, value] of Object.entries(parseEnv(readFileSync(envFile, 'utf8')))) {
      if (env[name] === undefined) env[name] = value;
    }
  }

  const dataDir = path.resolve(root, env.DATA_DIR?.trim() || 'data');
  const runsDir = path.resolve(root, env.RUNS_DIR?.trim() || 'runs');
  const token = env.ADMIN_TOKEN?.trim();
  // The API rejects shorter tokens; saying so here names the variable to fix.
  if (token && token.length < 16) throw new ConfigError(`ADMIN_TOKEN must have at least 16 characters, got ${token.length}.`);

  return {
    dataDir,
    allowDownload: readBoolean(env, 'ALLOW_DOWNLOAD', true),
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    runsDir,
    apiPort: readInteger(env, 'API_PORT', 4000, 1, 65535),
    webPort: readInteger(env, 'WEB_PORT', 3000, 1, 65535),
    adminToken: token || readOrCreateToken(path.join(root, 'data', 'admin-token')),
    adminTokenGenerated: !token,
    demo: {
      preset: readChoice(env, 'DEMO_PRESET', 'paper', ['paper', 'reference']),
      epochs: readInteger(env, 'DEMO_EPOCHS', 2, 1, 1000),
      subsetSize: readInteger(env, 'DEMO_SUBSET', 5000, 2, 50_000),
      batchSize: readInteger(env, 'DEMO_BATCH_SIZE', 64, 2, 4096),
      backend: readChoice(env, 'BACKEND', 'auto', ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']),
    },
    noWeb: readBoolean(env, 'NO_WEB', false),
  };
}

/**
 * Reuses the token of an earlier start so a browser session stays valid across restarts;
 * the file is readable by its owner only.
 */
function readOrCreateToken(file: string): string {
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored) return stored;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

function readInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}".`);
  }
  return value;
}

function readBoolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}".`);
}

function readChoice<T extends string>(env: NodeJS.ProcessEnv, name: string, fallback: T, choices: readonly T[]): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got "${raw}".`);
  }
  return raw as T;
}

import { isIP } from 'node:net';

/** Settings of the API server, read from the environment by loadApiConfig. */
export interface ApiConfig {
  /** API_HOST: interface to bind (default 127.0.0.1, loopback only). */
  host: string;
  /** API_PORT: TCP port (default 4000; 0 picks a free one). */
  port: number;
  /** ADMIN_TOKEN: bearer token that mutations require. Unset disables mutations. */
  adminToken?: string;
  /** API_LOCAL_ONLY=true: allow mutations without a token; requires a loopback API_HOST. */
  localOnly: boolean;
  /** API_CORS_ORIGINS: comma-separated origins allowed to call the API from a browser. */
  corsOrigins: string[];
  /** LOG_LEVEL: pino level (default info). */
  logLevel: string;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4000;
/** The dashboard's Next.js dev server, on both spellings of the loopback host. */
export const DEFAULT_CORS_ORIGINS = ['http://localhost:3000', 'http://127.0.0.1:3000'];
/** Shorter tokens are guessable; `openssl rand -hex 32` gives a suitable one. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Thrown for an invalid setting; the message names the variable and the accepted values. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the API settings from environment variables. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const config: ApiConfig = {
    host: env.API_HOST?.trim() || DEFAULT_HOST,
    port: parsePort(env.API_PORT),
    adminToken: env.ADMIN_TOKEN ? env.ADMIN_TOKEN : undefined,
    localOnly: parseBoolean('API_LOCAL_ONLY', env.API_LOCAL_ONLY),
    corsOrigins: env.API_CORS_ORIGINS
      ? env.API_CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean)
      : DEFAULT_CORS_ORIGINS,
    logLevel: env.LOG_LEVEL?.trim() || 'info',
  };
  if (!LOG_LEVELS.includes(config.logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${config.logLevel}".`);
  }
  validateAccessSettings(config);
  return config;
}

/**
 * Checks the settings that protect mutations; createApiServer calls it too, so in-process
 * servers follow the same rules as the command line.
 */
export function validateAccessSettings(settings: { host: string; adminToken?: string; localOnly?: boolean }): void {
  if (settings.adminToken !== undefined && settings.adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ConfigError(
      `ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters; generate one with "openssl rand -hex 32".`,
    );
  }
  if (settings.localOnly && !isLoopbackHost(settings.host)) {
    throw new ConfigError(
      `API_LOCAL_ONLY=true allows mutations without a token, so it requires a loopback API_HOST such as 127.0.0.1, got "${settings.host}".`,
    );
  }
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '[::1]';
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`API_PORT must be an integer from 0 to 65535, got "${value}".`);
  }
  return port;
}

function parseBoolean(name: string, value: string | undefined): boolean {
  if (value === undefined || value.trim() === '') return false;
  const normalized = value.trim().toLowerCase();
  if (normalized === 'true' || normalized === '1') return true;
  if (normalized === 'false' || normalized === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${value}".`);
}

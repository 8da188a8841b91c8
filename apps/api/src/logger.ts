import pino, { type Logger } from 'pino';

/**
 * Creates the API's pino logger: JSON lines on stdout, or readable lines through pino-pretty
 * when LOG_PRETTY=true. The authorization header never reaches a log line because the
 * server logs no request headers.
 */
export function createLogger(level = 'info', pretty = process.env.LOG_PRETTY === 'true'): Logger {
  return pino({
    name: 'dim-api',
    level,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  });
}

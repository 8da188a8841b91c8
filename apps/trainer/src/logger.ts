import { isatty } from 'node:tty';

import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

const STDERR_FD = 2;

/**
 * Creates the command-line logger. Logs go to stderr so that stdout carries only
 * results. A terminal gets pino-pretty's coloured lines. Anything else (a file, a pipe,
 * a job runner) gets one JSON object a line, which log collectors parse.
 * Both destinations write synchronously, so lines logged just before `process.exit`
 * are not lost.
 */
export function createLogger(level: LogLevelName, fd: number = STDERR_FD): Logger {
  if (isatty(fd)) {
    return pino(
      { level },
      pretty({ destination: fd, sync: true, colorize: true, singleLine: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' }),
    );
  }
  return pino({ level }, pino.destination({ fd, sync: true }));
}

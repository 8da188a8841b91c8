import { Writable } from 'node:stream';

import pino, { type Logger } from 'pino';

/** Creates a pino logger that keeps every line in memory, parsed, so tests can assert on logs. */
export function captureLogs(level = 'debug'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

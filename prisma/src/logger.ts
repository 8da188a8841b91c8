import pino from 'pino';

/**
 * Logger of the database package; LOG_LEVEL sets the level (default info). It writes to
 * stderr so that command-line tools using this package keep stdout for their results.
 */
export const logger = pino({ name: 'dim-db', level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));

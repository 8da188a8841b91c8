import pino from 'pino';

/** Logger of the database package; LOG_LEVEL sets the level (default info). */
export const logger = pino({ name: 'dim-db', level: process.env.LOG_LEVEL ?? 'info' });

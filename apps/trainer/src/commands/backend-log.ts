import type { LogFn } from '@dim/dim-model';

import type { Logger } from '../logger';

/** Adapts the logger to the callback through which selectBackend reports its choice. */
export function backendLogger(logger: Logger): LogFn {
  return (level, message) => logger[level](message);
}

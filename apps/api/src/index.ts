export { createApiServer, type ApiServer, type ApiServerOptions } from './server';
export { loadApiConfig, ConfigError, type ApiConfig } from './config';
export { buildApiSchema } from './schema';
export { ApiErrorCode } from './errors/error-code';
export { createLogger } from './logger';

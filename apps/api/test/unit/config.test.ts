import { ConfigError, DEFAULT_CORS_ORIGINS, isLoopbackHost, loadApiConfig } from '../../src/config';

describe('loadApiConfig', () => {
  it('defaults to loopback, port 4000 and no token', () => {
    expect(loadApiConfig({})).toEqual({
      host: '127.0.0.1',
      port: 4000,
      adminToken: undefined,
      localOnly: false,
      corsOrigins: DEFAULT_CORS_ORIGINS,
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const config = loadApiConfig({
      API_HOST: '::1',
      API_PORT: '0',
      ADMIN_TOKEN: 'a-long-enough-admin-token',
      API_LOCAL_ONLY: 'true',
      API_CORS_ORIGINS: 'http://a.example, http://b.example',
      LOG_LEVEL: 'debug',
    });
    expect(config).toEqual({
      host: '::1',
      port: 0,
      adminToken: 'a-long-enough-admin-token',
      localOnly: true,
      corsOrigins: ['http://a.example', 'http://b.example'],
      logLevel: 'debug',
    });
  });

  it.each([
    [{ API_PORT: '70000' }, 'API_PORT'],
    [{ API_PORT: 'http' }, 'API_PORT'],
    [{ API_LOCAL_ONLY: 'yes' }, 'API_LOCAL_ONLY'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN'],
    [{ API_LOCAL_ONLY: 'true', API_HOST: '0.0.0.0' }, 'loopback'],
  ])('rejects %p', (env, named) => {
    expect(() => loadApiConfig(env)).toThrow(ConfigError);
    expect(() => loadApiConfig(env)).toThrow(named);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['192.168.1.5', false],
    ['::', false],
    ['example.com', false],
  ])('classifies %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

import { createApiServer, type ApiServer } from '../src';
import { disconnect, openEmptyDatabase, type EmptyDatabase } from './support/databases';
import { graphql } from './support/graphql-client';
import { captureLogs } from './support/log-capture';

const START = 'mutation { startTraining(input: { epochs: 1 }) { id status } }';

describe('API server modes', () => {
  let database: EmptyDatabase;
  const servers: ApiServer[] = [];

  async function start(options: { adminToken?: string; localOnly?: boolean; limits?: { maxDepth?: number } } = {}) {
    const logs = captureLogs();
    const server = await createApiServer({ databaseUrl: database.url, host: '127.0.0.1', port: 0, logger: logs.logger, ...options });
    servers.push(server);
    return { server, logs };
  }

  beforeAll(async () => {
    database = await openEmptyDatabase('pglite');
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await database?.close();
  });

  it('disables mutations without a token', async () => {
    const { server } = await start();
    const response = await graphql(server.graphqlUrl, START);
    expect(response.errors![0].extensions.code).toBe('FORBIDDEN');
    expect(response.errors![0].message).toContain('ADMIN_TOKEN');
  });

  it('serves queries without a token', async () => {
    const { server } = await start();
    const response = await graphql(server.graphqlUrl, '{ datasets { id } trainingRuns { id } }');
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ datasets: [], trainingRuns: [] });
  });

  it('allows mutations without a token in local-only mode', async () => {
    const { server } = await start({ localOnly: true });
    const response = await graphql(server.graphqlUrl, START);
    // The mutation passes authorization and fails on the empty database instead.
    expect(response.errors![0].extensions.code).toBe('NOT_FOUND');
    expect(response.errors![0].message).toContain('"cifar10"');
  });

  it('still requires a configured token in local-only mode', async () => {
    const { server } = await start({ localOnly: true, adminToken: 'local-admin-token-0123456789' });
    const response = await graphql(server.graphqlUrl, START);
    expect(response.errors![0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['local-only on all interfaces', { host: '0.0.0.0', localOnly: true }, 'loopback'],
    ['a short admin token', { host: '127.0.0.1', adminToken: 'short' }, 'at least 16 characters'],
  ])('refuses to start with %s', async (_case, options, message) => {
    const request = createApiServer({ databaseUrl: database.url, port: 0, logger: captureLogs().logger, ...options });
    await expect(request).rejects.toThrow(message);
  });

  it('rejects queries above the depth limit', async () => {
    const { server } = await start({ limits: { maxDepth: 4 } });
    const deep = await graphql(server.graphqlUrl, '{ similar(id: 1) { neighbours { image { dataset { name } } } } }');
    expect(deep.status).toBe(400);
    expect(deep.errors![0].extensions.code).toBe('QUERY_TOO_DEEP');
    expect(deep.errors![0].message).toContain('Query depth 5');

    const shallow = await graphql(server.graphqlUrl, '{ trainingRuns { dataset { name } } }');
    expect(shallow.errors).toBeUndefined();
  });

  it('counts depth through fragments', async () => {
    const { server } = await start({ limits: { maxDepth: 4 } });
    const query = `query Deep { similar(id: 1) { ...withImages } }
      fragment withImages on NeighbourResult { neighbours { image { ... on Image { dataset { name } } } } }`;
    const response = await graphql(server.graphqlUrl, query);
    expect(response.errors![0].extensions.code).toBe('QUERY_TOO_DEEP');
    expect(response.errors![0].message).toContain('Deep');
  });

  it('reports pending migrations as unavailable', async () => {
    const { server } = await start();
    const { createPrismaClient } = await import('@dim/db');
    const db = createPrismaClient(database.url, { poolMax: 1 });
    const [applied] = await db.$queryRaw<{ id: string; migration_name: string }[]>`SELECT id, migration_name FROM _prisma_migrations LIMIT 1`;
    await db.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE id = ${applied.id}`;
    try {
      const response = await fetch(`${server.url}/health`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable', database: 'ok', pendingMigrations: [applied.migration_name] });
    } finally {
      await db.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = NULL WHERE id = ${applied.id}`;
      await disconnect(db);
    }
  });

  it('stops serving and logs the stop', async () => {
    const { server, logs } = await start();
    await server.stop();
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    expect(logs.lines.some((line) => line.msg === 'API server stopped' && line.url === server.url)).toBe(true);
  });
});

describe('API server with its database down', () => {
  it('answers 503 on /health', async () => {
    const database = await openEmptyDatabase('pglite');
    const server = await createApiServer({ databaseUrl: database.url, host: '127.0.0.1', port: 0, logger: captureLogs().logger });
    try {
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      await database.close();

      const response = await fetch(`${server.url}/health`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable', database: 'unreachable', pendingMigrations: null });
    } finally {
      await server.stop();
    }
  });
});

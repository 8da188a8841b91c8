import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';

import { resolveDatabase } from '../src/database-url';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/embedded/server';
import { migrateDatabase } from '../src/migrate';

describe('embedded database server', () => {
  let dir: string;
  let owner: EmbeddedDatabase;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dim-db-embedded-'));
    owner = await startEmbeddedDatabase({ dataDir: path.join(dir, 'pglite'), host: '127.0.0.1', port: 0 });
    await migrateDatabase(owner.url);
  });

  afterAll(async () => {
    await owner?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('serves pgvector on 127.0.0.1', async () => {
    expect(owner.url).toMatch(/^postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres/);
    const client = new pg.Client({ connectionString: owner.url });
    await client.connect();
    const { rows } = await client.query<{ distance: number }>(`SELECT '[0,3]'::vector <-> '[4,0]'::vector AS distance`);
    await client.end();
    expect(rows[0].distance).toBe(5);
  });

  test('second caller reuses the running server', async () => {
    const second = await startEmbeddedDatabase({ dataDir: path.join(dir, 'pglite'), host: '127.0.0.1', port: 0 });
    expect(second.reused).toBe(true);
    expect(second.url).toBe(owner.url);
    await second.stop();

    const client = new pg.Client({ connectionString: owner.url });
    await client.connect();
    await client.query('SELECT 1');
    await client.end();
  });

  test('serves many connections at once', async () => {
    const pool = new pg.Pool({ connectionString: owner.url, max: 20 });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => pool.query<{ value: number }>('SELECT $1::int * 2 AS value', [i]).then((result) => result.rows[0].value)),
    );
    await pool.end();
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i * 2));
  });

  // Parameters this large arrive in several TCP reads, which is when another connection's
  // Parse could run between a client's Parse and Bind on PGlite's single backend.
  test('keeps each connection\'s extended-query messages together', async () => {
    const pool = new pg.Pool({ connectionString: owner.url, max: 8 });
    const queries = Array.from({ length: 120 }, (_, i) =>
      i % 3 === 0
        ? pool.query<{ value: number }>('SELECT $1::int AS value', [i]).then((result) => result.rows[0].value)
        : pool
            .query<{ value: number }>('SELECT $1::int + length($2::text) - $3::int AS value', [i, 'x'.repeat(200_000 + i), 200_000 + i])
            .then((result) => result.rows[0].value),
    );
    const results = await Promise.all(queries);
    await pool.end();
    expect(results).toEqual(Array.from({ length: 120 }, (_, i) => i));
  });

  test('rejects a host other than loopback', async () => {
    await expect(startEmbeddedDatabase({ dataDir: path.join(dir, 'other'), host: '0.0.0.0', port: 0 })).rejects.toThrow('loopback');
  });
});

describe('resolveDatabase', () => {
  test('uses DATABASE_URL when set', async () => {
    const resolved = await resolveDatabase({ DATABASE_URL: 'postgresql://user@db.example:5432/dim' });
    expect(resolved).toEqual({ url: 'postgresql://user@db.example:5432/dim' });
  });

  test('rejects a DATABASE_URL that is not postgresql', async () => {
    await expect(resolveDatabase({ DATABASE_URL: 'mysql://localhost/dim' })).rejects.toThrow('DATABASE_URL must be a postgresql:// URL');
  });

  test('starts an embedded database in PGLITE_DATA_DIR', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dim-db-resolve-'));
    try {
      const resolved = await resolveDatabase({ PGLITE_DATA_DIR: path.join(dir, 'pglite'), PGLITE_PORT: '0' });
      expect(resolved.stop).toBeDefined();
      await resolved.stop?.();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rejects an invalid PGLITE_PORT', async () => {
    await expect(resolveDatabase({ PGLITE_PORT: 'abc' })).rejects.toThrow('PGLITE_PORT must be an integer from 0 (any free port) to 65535, got "abc"');
  });
});

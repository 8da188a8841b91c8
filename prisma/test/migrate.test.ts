import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import pg from 'pg';

import { migrateDatabase, MIGRATIONS_DIR, readMigrations } from '../src/migrate';
import { DATABASE_KINDS, openEmptyDatabase } from './support/databases';

describe.each(DATABASE_KINDS)('migrateDatabase on %s', (kind) => {
  let database: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    database = await openEmptyDatabase(kind);
  });

  afterAll(async () => {
    await database.close();
  });

  test('applies every migration once under concurrent callers', async () => {
    const migrations = await readMigrations();
    const results = await Promise.all([migrateDatabase(database.url), migrateDatabase(database.url), migrateDatabase(database.url)]);

    const appliedCounts = results.map((result) => result.applied.length).sort();
    expect(appliedCounts).toEqual([0, 0, migrations.length]);
    for (const result of results) {
      expect([...result.applied, ...result.alreadyApplied].sort()).toEqual(migrations.map((migration) => migration.name));
    }
  });

  test('second run applies nothing', async () => {
    const result = await migrateDatabase(database.url);
    expect(result.applied).toEqual([]);
  });

  test('records Prisma checksums in _prisma_migrations', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
        'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
      );
      const migrations = await readMigrations();
      expect(rows.map((row) => row.migration_name)).toEqual(migrations.map((migration) => migration.name));
      for (const row of rows) {
        const sql = readFileSync(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
        expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.applied_steps_count).toBe(1);
      }
    } finally {
      await client.end();
    }
  });

  test('documents every table and column', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string; column_name: string | null }>(
        `SELECT c.relname AS table_name, NULL AS column_name
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> '_prisma_migrations'
            AND obj_description(c.oid, 'pg_class') IS NULL
         UNION ALL
         SELECT c.relname, a.attname
           FROM pg_attribute a
           JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> '_prisma_migrations'
            AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL`,
      );
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });
});

// Prisma CLI configuration (Prisma 7 reads the connection string here, not from schema.prisma).
// `generate` needs no database, so DATABASE_URL may be unset; migrations are applied by
// src/migrate.ts, which works offline, rather than by `prisma migrate`.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/dim' },
});

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PACKAGE_DIR = path.resolve(__dirname, '..');
const COMMITTED = path.join(PACKAGE_DIR, 'generated/client');

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .flatMap((name) => (statSync(path.join(dir, name)).isDirectory() ? listFiles(path.join(dir, name), `${prefix}${name}/`) : [`${prefix}${name}`]))
    .sort();
}

// The client is committed so that no install or test step has to generate it; this test
// fails when schema.prisma changed without `npm run generate -w @dim/db`.
test('committed client matches schema.prisma', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dim-db-generate-'));
  try {
    copyFileSync(path.join(PACKAGE_DIR, 'schema.prisma'), path.join(dir, 'schema.prisma'));
    execFileSync(path.resolve(PACKAGE_DIR, '../node_modules/.bin/prisma'), ['generate', '--schema', path.join(dir, 'schema.prisma')], {
      cwd: PACKAGE_DIR,
      // `generate` needs no schema engine, but Prisma 7 downloads one unless this names a file.
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      stdio: 'pipe',
    });
    const fresh = path.join(dir, 'generated/client');
    expect(listFiles(fresh)).toEqual(listFiles(COMMITTED));
    for (const file of listFiles(fresh)) {
      expect(`${file}:\n${readFileSync(path.join(COMMITTED, file), 'utf8')}`).toBe(`${file}:\n${readFileSync(path.join(fresh, file), 'utf8')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

/** Stops and deletes the cluster that global-setup.ts started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env.DIM_TEST_PG_CLUSTER_DIR;
  if (!dir) return;
  const pgCtl = path.join(process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin', 'pg_ctl');
  const args = ['-D', path.join(dir, 'data'), '-m', 'fast', '-w', 'stop'];
  if (process.getuid?.() === 0) execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', [pgCtl, ...args].join(' ')], { stdio: 'ignore' });
  else execFileSync(pgCtl, args, { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}

import { execFileSync } from 'node:child_process';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../../tools/setup/stop-postgres.sh');

/** Stops and deletes the cluster that global-setup.ts started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env.DIM_TEST_PG_CLUSTER_DIR;
  if (!dir) return;
  execFileSync(SCRIPT, [dir], { stdio: 'inherit' });
}

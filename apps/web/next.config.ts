import path from 'node:path';
import type { NextConfig } from 'next';

// npm workspaces hoist next, react and urql to the repository root, so Turbopack and the
// output file tracing must treat the root as the project root to resolve them.
const workspaceRoot = path.join(__dirname, '..', '..');

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The end-to-end test builds into its own folder so it never overwrites a developer's
  // `next dev` or `next build` output.
  distDir: process.env.NEXT_DIST_DIR ?? '.next',
  turbopack: { root: workspaceRoot },
  outputFileTracingRoot: workspaceRoot,
  // `next dev` would otherwise write an AGENTS.md with its own notes into apps/web.
  agentRules: false,
  experimental: { agentUpgrade: false },
};

export default nextConfig;

// Shared Jest settings: TypeScript through SWC (fast, no type check; `nx run-many -t typecheck`
// does that), legacy decorators for type-graphql, Node environment.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true, decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: false, react: { runtime: 'automatic' } },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  testMatch: ['**/?(*.)+(spec|test).ts?(x)'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.next/'],
  // Training steps on a 2-core CPU take seconds; the default 5 s would fail honest tests.
  testTimeout: 120_000,
};

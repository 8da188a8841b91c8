// Persistence tests run against PGlite and PostgreSQL; the global set-up starts a throw-away
// PostgreSQL server when TEST_DATABASE_URL_PG is unset.
// Only warnings and errors, so test output stays readable; set LOG_LEVEL to see more.
process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'warn';

module.exports = {
  ...require('../jest.preset.js'),
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

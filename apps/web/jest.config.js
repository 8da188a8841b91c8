const preset = require('../../jest.preset.js');

// Two projects: `unit` tests the pure helpers in milliseconds, `e2e` builds the dashboard
// and drives it in headless Chromium against a real API and database (minutes).
/** @type {import('jest').Config} */
module.exports = {
  // Global option: Jest ignores testTimeout inside projects.
  testTimeout: preset.testTimeout,
  projects: [
    { ...preset, displayName: 'unit', rootDir: __dirname, testMatch: ['<rootDir>/test/**/*.test.ts'] },
    {
      ...preset,
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/e2e/**/*.spec.ts'],
      setupFiles: ['<rootDir>/e2e/setup-env.ts'],
    },
  ],
};

// Integration tests start the real server against real databases. The persistence layer's
// logger prints only warnings and errors, so test output stays readable; set LOG_LEVEL to see more.
process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'warn';

module.exports = { ...require('../../jest.preset.js') };

// The database package, the API and the worker log at info level by default; warnings and
// errors are enough to read a failed run. Set LOG_LEVEL to see more.
process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'warn';

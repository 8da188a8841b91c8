// Worker threads start from plain JavaScript, so this CommonJS entry registers tsx's loader
// (the one the repository's scripts run with) and then loads the TypeScript replica worker.
// NOTE: tsx is a devDependency of the root package, so an install without dev dependencies
// cannot start replica workers.
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS is the only way to load code here before a TypeScript loader exists */
require('tsx/cjs/api').register();
require('./replica-worker.ts');

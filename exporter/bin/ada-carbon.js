#!/usr/bin/env node
// Checked in so that npm links the `ada-carbon` bin at install time, before the build exists; it runs the built CLI.
'use strict';
let cli;
try {
  cli = require('../dist/cli.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
    process.stderr.write('ada-carbon: the CLI is not built yet: run `npm run build -w exporter` (or `npm start`)\n');
    process.exit(1);
  }
  throw err;
}
cli.main();

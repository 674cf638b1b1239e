#!/usr/bin/env node
'use strict';
// The ops CLI is TypeScript (starter/cli.ts); tsx runs it without a build step.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const cli = path.join(__dirname, '..', 'starter', 'cli.ts');
const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), cli, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
if (result.error) throw result.error;
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status ?? 1);

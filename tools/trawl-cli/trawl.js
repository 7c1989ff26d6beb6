#!/usr/bin/env node
// `npx trawl ...`: runs the compiled CLI (apps/cli) on the project's Node 24, building it first if needed.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const entry = path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
const node = path.join(root, 'node_modules', '.bin', 'node');
const runtime = fs.existsSync(node) ? node : process.execPath;

if (!fs.existsSync(entry)) {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const result = spawnSync(runtime, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);

// npm run bench: builds, brings the stack up, runs every benchmark in dist/bench and prints figures.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildIfNeeded } from './build-if-needed.mjs';
import { stackUp } from './stack-env.mjs';
import { repoRoot } from './stack/settings.mjs';

buildIfNeeded();
const env = { ...process.env, ...stackUp() };
const dir = path.join(repoRoot, 'dist', 'bench');
// Benchmark names: the arguments that are neither a --flag nor the value following one.
const only = process.argv
  .slice(2)
  .filter((arg, index, args) => !arg.startsWith('--') && !(index > 0 && args[index - 1].startsWith('--')));
let failed = false;
for (const file of fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js'))
  .sort()) {
  if (only.length && !only.some((name) => file.includes(name))) continue;
  process.stdout.write(`\n=== ${file.replace(/\.js$/, '')} ===\n`);
  const result = spawnSync(process.execPath, [path.join(dir, file), ...process.argv.slice(2)], {
    env,
    stdio: 'inherit',
  });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);

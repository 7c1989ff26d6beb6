// Compiles the TypeScript (tsc, incremental, then path aliases rewritten) and bundles the dashboard
// (scripts/build-dashboard.mjs) when sources are newer than the last build, or the bundle is missing.
// Used by `npm start` and `npm test` so each does its own setup.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './stack/settings.mjs';

const stamp = path.join(repoRoot, 'dist', '.build-stamp');
const dashboard = path.join(repoRoot, 'dist', 'dashboard', 'index.html');
const sources = [
  'apps',
  'libs',
  'test/fixture-web',
  'test/support',
  'bench',
  'tsconfig.json',
  'tsconfig.build.json',
  'package-lock.json',
];

function newestMtime(target) {
  const full = path.join(repoRoot, target);
  if (!fs.existsSync(full)) return 0;
  const stat = fs.statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(full, { withFileTypes: true })) {
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

export function buildIfNeeded() {
  const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
  const upToDate = built > 0 && sources.every((source) => newestMtime(source) < built);
  if (upToDate && fs.existsSync(dashboard)) return;
  const started = Date.now();
  process.stderr.write('building (tsc, then the dashboard with esbuild)...\n');
  for (const [command, args] of [
    ['tsc', ['-p', 'tsconfig.build.json']],
    ['tsc-alias', ['-p', 'tsconfig.build.json']],
    [process.execPath, [path.join(repoRoot, 'scripts', 'build-dashboard.mjs')]],
  ]) {
    const program = path.isAbsolute(command) ? command : path.join(repoRoot, 'node_modules', '.bin', command);
    const result = spawnSync(program, args, {
      cwd: repoRoot,
      stdio: 'inherit',
    });
    if (result.status !== 0) {
      process.stderr.write(`build failed: ${path.basename(command)} exited with ${result.status}\n`);
      process.exit(1);
    }
  }
  fs.writeFileSync(stamp, new Date().toISOString());
  process.stderr.write(`built in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) buildIfNeeded();

// Bundles the dashboard (apps/dashboard: Preact, strict TypeScript) with esbuild into dist/dashboard:
// index.html and assets/ with content-hashed names, which the gateway serves from disk at `/`.
// Type-checks it first (esbuild only strips types). Run by `npm run build` and scripts/build-if-needed.mjs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from './stack/settings.mjs';

const source = path.join(repoRoot, 'apps', 'dashboard');
const out = path.join(repoRoot, 'dist', 'dashboard');

export async function buildDashboard() {
  const check = spawnSync(
    path.join(repoRoot, 'node_modules', '.bin', 'tsc'),
    ['-p', path.join(source, 'tsconfig.json'), '--noEmit'],
    { cwd: repoRoot, stdio: 'inherit' },
  );
  if (check.status !== 0) throw new Error(`the dashboard does not type-check (tsc exited with ${check.status})`);
  fs.rmSync(out, { recursive: true, force: true });
  const result = await build({
    entryPoints: { app: path.join(source, 'src', 'main.tsx'), styles: path.join(source, 'src', 'styles.css') },
    outdir: path.join(out, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    metafile: true,
    logLevel: 'warning',
  });
  const names = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const script = names.find((name) => /^app-.*\.js$/.test(name));
  const styles = names.find((name) => /^styles-.*\.css$/.test(name));
  if (!script || !styles) throw new Error(`esbuild did not write the expected files: ${names.join(', ')}`);
  const html = fs
    .readFileSync(path.join(source, 'src', 'index.html'), 'utf8')
    .replace('/assets/SCRIPT', `/assets/${script}`)
    .replace('/assets/STYLES', `/assets/${styles}`);
  fs.writeFileSync(path.join(out, 'index.html'), html);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildDashboard().catch((error) => {
    process.stderr.write(`dashboard build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

// npm test: builds, brings the local stack up, runs every test (unit, int, e2e) and prints one
// closing line "Tests: N passed, N failed, N skipped". Extra arguments go to Jest.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildIfNeeded } from './build-if-needed.mjs';
import { stackUp } from './stack-env.mjs';
import { repoRoot } from './stack/settings.mjs';

const started = Date.now();
buildIfNeeded();
// A DATABASE_URL given to `npm test` is the user's own database: tests must not try to stop it.
const externalDatabase = process.env.DATABASE_URL ? '1' : '';
const env = { ...process.env, ...stackUp(), TRAWL_EXTERNAL_DATABASE: externalDatabase };
const report = path.join(os.tmpdir(), `trawl-jest-${process.pid}.json`);
const args = process.argv.slice(2);
const jest = spawnSync(
  path.join(repoRoot, 'node_modules', '.bin', 'jest'),
  ['--json', `--outputFile=${report}`, '--runInBand', ...args],
  { cwd: repoRoot, env, stdio: 'inherit' },
);
let summary = `Tests: 0 passed, 1 failed, 0 skipped (jest did not report: exit ${jest.status ?? jest.signal})`;
if (fs.existsSync(report)) {
  const result = JSON.parse(fs.readFileSync(report, 'utf8'));
  const broken = result.numRuntimeErrorTestSuites ?? 0;
  summary =
    `Tests: ${result.numPassedTests} passed, ${result.numFailedTests + broken} failed, ` +
    `${result.numPendingTests + result.numTodoTests} skipped`;
  fs.rmSync(report, { force: true });
}
process.stdout.write(`\nnpm test took ${((Date.now() - started) / 1000).toFixed(0)}s\n${summary}\n`);
process.exit(jest.status ?? 1);

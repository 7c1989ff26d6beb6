// Runs `stack up` and returns the environment the services need to reach it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadSettings, repoRoot } from './stack/settings.mjs';

export function stackUp() {
  // Progress goes to stderr: `npm start` keeps stdout for the gateway's URL.
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/stack/cli.mjs'), 'up'], {
    stdio: ['ignore', 2, 2],
  });
  if (result.status !== 0) {
    process.stderr.write(
      "the local stack did not come up (see above); `npm run stack -- logs` shows each part's log\n",
    );
    process.exit(result.status ?? 1);
  }
  return readStackEnv();
}

export function readStackEnv() {
  const file = path.join(loadSettings().stackDir, 'stack.env');
  const env = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(\S*)/.exec(line.trim());
    if (match && !process.env[match[1]]) env[match[1]] = match[2];
  }
  return env;
}

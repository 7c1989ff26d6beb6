// npm start: builds, brings the local stack up, applies migrations, runs the four services and
// prints the gateway's base URL once every service is ready. Ctrl-C stops the services (the stack
// keeps running; `npm run stack -- down` stops it).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildIfNeeded } from './build-if-needed.mjs';
import { gatewayUrl, ServiceProcesses } from './services.mjs';
import { stackUp } from './stack-env.mjs';
import { loadSettings, repoRoot } from './stack/settings.mjs';

buildIfNeeded();
const env = { ...process.env, ...stackUp() };
const logDir = path.join(loadSettings().stackDir, 'logs');

const migrate = spawnSync(process.execPath, [path.join(repoRoot, 'dist/apps/cli/src/main.js'), 'migrate'], {
  env,
  stdio: ['ignore', 2, 2],
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const services = new ServiceProcesses(env, logDir);
let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  process.stderr.write('stopping the services (the stack keeps running: `npm run stack -- down` stops it)...\n');
  void services.stop().then(() => process.exit(code));
}
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());

services.launchAll();
try {
  await services.waitAllReady();
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  stop(1);
}
if (!stopping) {
  const gateway = gatewayUrl(env);
  process.stderr.write(
    `all services ready; logs in ${logDir}\n` +
      `API docs: ${gateway}/docs   create an API key: npx trawl keys create --tenant demo\n` +
      'Ctrl-C stops the services\n',
  );
  process.stdout.write(`${gateway}\n`);
}

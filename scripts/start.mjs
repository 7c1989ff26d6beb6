// npm start: builds, brings the local stack up, applies migrations, runs the four services and
// prints the gateway's base URL once every service is ready. Ctrl-C stops the services (the stack
// keeps running; `npm run stack -- down` stops it).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildIfNeeded } from './build-if-needed.mjs';
import { stackUp } from './stack-env.mjs';
import { loadSettings, repoRoot } from './stack/settings.mjs';

const SERVICES = [
  { name: 'aggregator', portVar: 'AGGREGATOR_PORT', port: 3003 },
  { name: 'scheduler', portVar: 'SCHEDULER_PORT', port: 3001 },
  { name: 'scraper', portVar: 'SCRAPER_PORT', port: 3002 },
  { name: 'gateway', portVar: 'GATEWAY_PORT', port: 3000 },
];

buildIfNeeded();
const stackEnv = stackUp();
const env = { ...process.env, ...stackEnv };
const logDir = path.join(loadSettings().stackDir, 'logs');
fs.mkdirSync(logDir, { recursive: true });

const migrate = spawnSync(process.execPath, [path.join(repoRoot, 'dist/apps/cli/src/main.js'), 'migrate'], {
  env,
  stdio: ['ignore', 2, 2],
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

// V8 options per service (scripts/service-node-args.json; docker-compose.yml repeats them).
const SERVICE_NODE_ARGS = JSON.parse(fs.readFileSync(path.join(repoRoot, 'scripts/service-node-args.json'), 'utf8'));
const children = new Map();
let stopping = false;

function portOf(service) {
  return Number(env[service.portVar] || service.port);
}

function launch(service, restarts = 0) {
  const log = fs.openSync(path.join(logDir, `${service.name}.log`), 'a');
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      ...SERVICE_NODE_ARGS[service.name],
      path.join(repoRoot, `dist/apps/${service.name}/src/main.js`),
    ],
    {
      // One process per service here: its name is a stable instance id (a restart takes its group membership back at once).
      env: { TRAWL_INSTANCE_ID: `${os.hostname()}-${service.name}`, ...env },
      stdio: ['ignore', log, log],
    },
  );
  fs.closeSync(log);
  children.set(service.name, child);
  child.once('exit', (code, signal) => {
    children.delete(service.name);
    if (stopping) return;
    const wait = Math.min(30_000, 1000 * 2 ** restarts);
    process.stderr.write(
      `${service.name} exited (${signal ?? `code ${code}`}); restarting in ${wait / 1000}s — log: ${path.join(logDir, `${service.name}.log`)}\n`,
    );
    setTimeout(() => launch(service, restarts + 1), wait);
  });
}

async function waitReady(service, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  const url = `http://127.0.0.1:${portOf(service)}/health/ready`;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(
    `${service.name} not ready after ${timeoutMs / 1000}s; see ${path.join(logDir, `${service.name}.log`)}`,
  );
}

function stop() {
  if (stopping) return;
  stopping = true;
  process.stderr.write('stopping the services (the stack keeps running: `npm run stack -- down` stops it)...\n');
  for (const child of children.values()) child.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 15_000);
  force.unref();
  const check = setInterval(() => {
    if (children.size === 0) {
      clearInterval(check);
      process.exit(0);
    }
  }, 100);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

for (const service of SERVICES) launch(service);
try {
  await Promise.all(SERVICES.map((service) => waitReady(service)));
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  stop();
}
const gateway = `http://${env.GATEWAY_HOST && env.GATEWAY_HOST !== '0.0.0.0' ? env.GATEWAY_HOST : '127.0.0.1'}:${portOf(SERVICES[3])}`;
process.stderr.write(
  `all services ready; logs in ${logDir}\n` +
    `API docs: ${gateway}/docs   create an API key: npx trawl keys create --tenant demo\n` +
    'Ctrl-C stops the services\n',
);
process.stdout.write(`${gateway}\n`);

// npm run demo: everything up for a first look. Builds, brings the local stack up, serves a set of
// demo sites on loopback (mapped through TRAWL_RESOLVE, so the SSRF guard stays on for the rest),
// runs the four services, creates an API key, submits a batch of the demo sites and shows its
// progress live with `trawl submit --watch`; then prints where to look and keeps running until Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { buildIfNeeded } from './build-if-needed.mjs';
import { answering, gatewayUrl, SERVICES, ServiceProcesses } from './services.mjs';
import { stackUp } from './stack-env.mjs';
import { loadSettings, repoRoot } from './stack/settings.mjs';

/**
 * The demo web: a healthy site each of several shapes, slow ones so progress is visible, and a few
 * that fail in the ways real sites do (connection reset, 404 everywhere, robots.txt denying all).
 * Host names follow the fixture web's scheme (test/fixture-web/host-scheme.ts): <name>.<kind>.demo.test.
 */
const DEMO_DOMAINS = [
  'northwind-traders.ok.demo.test',
  'globex.ok.demo.test',
  'initech.to-www.demo.test',
  'd600-umbrella.slow.demo.test',
  'd400-hooli.slow.demo.test',
  'd900-vandelay.slow.demo.test',
  'n12-wayne-enterprises.big.demo.test',
  'stark-industries.robots-deny.demo.test',
  'cyberdyne.down.demo.test',
  'soylent.404.demo.test',
];

const cli = path.join(repoRoot, 'dist/apps/cli/src/main.js');
const require = createRequire(import.meta.url);

function fail(line) {
  process.stderr.write(`demo: ${line}\n`);
  process.exit(1);
}

buildIfNeeded();
const stack = stackUp();
const busy = [];
for (const service of SERVICES) if (await answering({ ...process.env }, service)) busy.push(service);
if (busy.length > 0) {
  fail(
    `${busy.map((s) => s.name).join(', ')} already answer${busy.length === 1 ? 's' : ''} on ` +
      `${busy.map((s) => s.portVar).join(', ')}: stop \`npm start\` first (the demo runs its own services, ` +
      'which reach the demo sites), or give the demo other ports, e.g. GATEWAY_PORT=4000 SCHEDULER_PORT=4001 ' +
      'SCRAPER_PORT=4002 AGGREGATOR_PORT=4003 npm run demo',
  );
}

const { startFixtureWeb } = require(path.join(repoRoot, 'dist/test/fixture-web/fixture-web.server.js'));
const web = await startFixtureWeb({});
const env = { ...process.env, ...stack, TRAWL_RESOLVE: web.resolveSpec('demo.test') };
const logDir = path.join(loadSettings().stackDir, 'logs');

const migrate = spawnSync(process.execPath, [cli, 'migrate'], { env, stdio: ['ignore', 'ignore', 2] });
if (migrate.status !== 0) fail('database migrations failed (see above)');

const services = new ServiceProcesses(env, logDir);
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  process.stderr.write('demo: stopping the services and the demo sites (the stack keeps running)...\n');
  await services.stop();
  await web.close();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

process.stderr.write(
  `demo: demo sites on 127.0.0.1:${web.port} (TRAWL_RESOLVE=${env.TRAWL_RESOLVE}); starting the services...\n`,
);
services.launchAll();
try {
  await services.waitAllReady();
} catch (error) {
  process.stderr.write(`demo: ${error.message}\n`);
  await stop(1);
}

const keyRun = spawnSync(process.execPath, [cli, 'keys', 'create', '--tenant', 'demo'], { env, encoding: 'utf8' });
if (keyRun.status !== 0) {
  process.stderr.write(keyRun.stderr);
  await stop(1);
}
const key = keyRun.stdout.trim();
const gateway = gatewayUrl(env);
const list = path.join(os.tmpdir(), `trawl-demo-domains-${process.pid}.txt`);
fs.writeFileSync(list, `${DEMO_DOMAINS.join('\n')}\n`);

process.stderr.write(`demo: submitting ${DEMO_DOMAINS.length} demo sites (max 5 pages each, 4 at a time)\n`);
const clientEnv = { ...env, TRAWL_GATEWAY: gateway, TRAWL_API_KEY: key };
// The CLI draws its progress on stderr (a live bar on a terminal) and prints the batch id and the
// summary on stdout, which is passed through and read for the id.
let printed = '';
const watched = await new Promise((resolve) => {
  const child = spawn(process.execPath, [cli, 'submit', list, '--max-pages', '5', '--concurrency', '4', '--watch'], {
    env: clientEnv,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.on('data', (chunk) => {
    printed += chunk;
    process.stdout.write(chunk);
  });
  child.once('exit', (code) => resolve(code ?? 1));
});
const batchId = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(printed)?.[0] ?? '<batch_id>';
fs.rmSync(list, { force: true });

process.stdout.write(
  [
    '',
    `The demo batch ${batchId} has ended (trawl exit code ${watched}: 0 is complete, 3 partial; three of the`,
    'demo sites fail on purpose: one resets every connection, one answers 404, one denies all in robots.txt).',
    `  dashboard:   ${gateway}/  (sign in with the key below)`,
    `  API docs:    ${gateway}/docs`,
    `  your key:    ${key}`,
    `  try:         export TRAWL_API_KEY=${key} TRAWL_GATEWAY=${gateway}`,
    `               npx trawl status ${batchId}`,
    `               npx trawl export ${batchId} --format csv`,
    `               npx trawl retry-failed ${batchId} && npx trawl watch ${batchId}`,
    'Ctrl-C stops the services and the demo sites.',
    '',
  ].join('\n'),
);

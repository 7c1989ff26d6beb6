// Trawl's four services as child processes of a script (`npm start`, `npm run demo`): launched from
// dist/ with their V8 options, restarted with backoff if one exits, stopped together.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './stack/settings.mjs';

export const SERVICES = [
  { name: 'aggregator', portVar: 'AGGREGATOR_PORT', port: 3003 },
  { name: 'scheduler', portVar: 'SCHEDULER_PORT', port: 3001 },
  { name: 'scraper', portVar: 'SCRAPER_PORT', port: 3002 },
  { name: 'gateway', portVar: 'GATEWAY_PORT', port: 3000 },
];

// V8 options per service (scripts/service-node-args.json) and the environment every service process
// starts with (scripts/service-env.json, read by glibc before any code runs); docker-compose.yml repeats both.
const SERVICE_NODE_ARGS = JSON.parse(fs.readFileSync(path.join(repoRoot, 'scripts/service-node-args.json'), 'utf8'));
const SERVICE_ENV = JSON.parse(fs.readFileSync(path.join(repoRoot, 'scripts/service-env.json'), 'utf8'));

export function portOf(env, service) {
  return Number(env[service.portVar] || service.port);
}

/** The gateway's base URL for people: loopback unless it listens on a named host. */
export function gatewayUrl(env) {
  const host = env.GATEWAY_HOST && env.GATEWAY_HOST !== '0.0.0.0' ? env.GATEWAY_HOST : '127.0.0.1';
  return `http://${host}:${portOf(env, SERVICES[3])}`;
}

/** Whether something already answers on a service's port (another `npm start`, say). */
export async function answering(env, service) {
  try {
    await fetch(`http://127.0.0.1:${portOf(env, service)}/health/live`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

export class ServiceProcesses {
  #children = new Map();
  #stopping = false;

  constructor(env, logDir) {
    this.env = env;
    this.logDir = logDir;
    fs.mkdirSync(logDir, { recursive: true });
  }

  logFile(service) {
    return path.join(this.logDir, `${service.name}.log`);
  }

  launchAll() {
    for (const service of SERVICES) this.#launch(service);
  }

  #launch(service, restarts = 0) {
    const log = fs.openSync(this.logFile(service), 'a');
    const child = spawn(
      process.execPath,
      [
        '--enable-source-maps',
        ...SERVICE_NODE_ARGS[service.name],
        path.join(repoRoot, `dist/apps/${service.name}/src/main.js`),
      ],
      {
        // One process per service here: its name is a stable instance id (a restart takes its group membership back at once).
        env: {
          ...SERVICE_ENV,
          TRAWL_INSTANCE_ID: `${os.hostname()}-${service.name}`,
          // One scraper here: batches share twice its concurrency (fair between tenants, and still a queue to draw on).
          SCHEDULER_DISPATCH_CAPACITY: String(2 * Number(this.env.SCRAPER_CONCURRENCY || 8)),
          ...this.env,
        },
        stdio: ['ignore', log, log],
      },
    );
    fs.closeSync(log);
    this.#children.set(service.name, child);
    child.once('exit', (code, signal) => {
      this.#children.delete(service.name);
      if (this.#stopping) return;
      const wait = Math.min(30_000, 1000 * 2 ** restarts);
      process.stderr.write(
        `${service.name} exited (${signal ?? `code ${code}`}); restarting in ${wait / 1000}s — log: ${this.logFile(service)}\n`,
      );
      setTimeout(() => this.#launch(service, restarts + 1), wait);
    });
  }

  /** Resolves once every service answers /health/ready; rejects naming the first that did not in time. */
  async waitAllReady(timeoutMs = 120_000) {
    await Promise.all(SERVICES.map((service) => this.#waitReady(service, timeoutMs)));
  }

  async #waitReady(service, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    const url = `http://127.0.0.1:${portOf(this.env, service)}/health/ready`;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    throw new Error(`${service.name} not ready after ${timeoutMs / 1000}s; see ${this.logFile(service)}`);
  }

  /** SIGTERM to each (they leave their groups and drain), SIGKILL after 15 s; resolves when all exited. */
  stop() {
    this.#stopping = true;
    for (const child of this.#children.values()) child.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const child of this.#children.values()) child.kill('SIGKILL');
    }, 15_000);
    force.unref();
    return new Promise((resolve) => {
      const check = setInterval(() => {
        if (this.#children.size === 0) {
          clearInterval(check);
          resolve();
        }
      }, 100);
    });
  }
}

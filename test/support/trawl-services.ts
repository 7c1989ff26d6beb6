import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';
import { stackEnv, uniqueName } from './stack-env';
import { createTestDatabase, type TestDatabase } from './test-database';

export type ServiceName = 'gateway' | 'scheduler' | 'scraper' | 'aggregator';
/** A running process: a service's name, or a name of its own for a second instance (e.g. "scraper-2"). */
export type InstanceName = ServiceName | `${ServiceName}-${string}`;
const ALL: ServiceName[] = ['aggregator', 'scheduler', 'scraper', 'gateway'];
const PORT_VARIABLE: Record<ServiceName, string> = {
  gateway: 'GATEWAY_PORT',
  scheduler: 'SCHEDULER_PORT',
  scraper: 'SCRAPER_PORT',
  aggregator: 'AGGREGATOR_PORT',
};

/** The repository root, from the sources (test/support) or from their build (dist/test/support). */
function repoRoot(from: string): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}
const root = repoRoot(__dirname);
/** Node options of each service (as `npm start` gives them); TRAWL_SERVICE_NODE_ARGS adds some (e.g. "--cpu-prof"). */
const SERVICE_NODE_ARGS = JSON.parse(
  fs.readFileSync(path.join(root, 'scripts/service-node-args.json'), 'utf8'),
) as Record<ServiceName, string[]>;
/** The environment every service process starts with (as `npm start` gives it); the caller's environment wins. */
const SERVICE_ENV = JSON.parse(fs.readFileSync(path.join(root, 'scripts/service-env.json'), 'utf8')) as Record<
  string,
  string
>;
const EXTRA_NODE_ARGS = (process.env.TRAWL_SERVICE_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
const run = promisify(execFile);

interface Running {
  child: ChildProcess;
  url: string;
  output: string[];
}

/**
 * Trawl's four services as real processes (from dist/, built by `npm test`) on the real stack,
 * with a database and a topic prefix of their own, so specs never interfere.
 */
export class TrawlUnderTest {
  readonly processes = new Map<InstanceName, Running>();
  private stopped = false;

  private constructor(
    readonly label: string,
    readonly db: TestDatabase,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  static async start(label: string, options: { env?: Record<string, string>; services?: ServiceName[] } = {}) {
    const stack = stackEnv();
    const db = await createTestDatabase(label);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_BROKERS: stack.KAFKA_BROKERS,
      DATABASE_URL: db.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: stack.OTEL_EXPORTER_OTLP_ENDPOINT,
      TRAWL_TOPIC_PREFIX: `${uniqueName(label)}.`,
      TRAWL_TOPIC_PARTITIONS: '3',
      SCRAPER_POLITENESS_DELAY_MS: '0',
      LOG_LEVEL: 'info',
      ...options.env,
    };
    const trawl = new TrawlUnderTest(label, db, env);
    try {
      await Promise.all((options.services ?? ALL).map((name) => trawl.launch(name)));
    } catch (error) {
      await trawl.stop();
      throw error;
    }
    return trawl;
  }

  get gatewayUrl(): string {
    const gateway = this.processes.get('gateway');
    if (!gateway) throw new Error('the gateway is not running');
    return gateway.url;
  }

  get topicPrefix(): string {
    return this.env.TRAWL_TOPIC_PREFIX!;
  }

  /** Starts a service (as `name`, or as another instance of it) and resolves with its base URL once it answers /health/ready. */
  async launch(
    service: ServiceName,
    extraEnv: Record<string, string> = {},
    name: InstanceName = service,
  ): Promise<string> {
    const port = await freePort();
    const nodeArgs = ['--enable-source-maps', ...SERVICE_NODE_ARGS[service], ...EXTRA_NODE_ARGS];
    const child = spawn(process.execPath, [...nodeArgs, path.join(root, `dist/apps/${service}/src/main.js`)], {
      // The instance name is a stable id, as in production: a relaunch takes the group membership back at once.
      env: {
        ...SERVICE_ENV,
        ...this.env,
        TRAWL_INSTANCE_ID: name,
        ...extraEnv,
        [PORT_VARIABLE[service]]: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        output.push(line);
        if (output.length > 2000) output.shift();
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const url = `http://127.0.0.1:${port}`;
    const running: Running = { child, url, output };
    this.processes.set(name, running);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) =>
        reject(new Error(`${name} exited (${signal ?? code}) while starting:\n${output.slice(-30).join('\n')}`)),
      ),
    );
    exited.catch(() => undefined);
    try {
      await Promise.race([this.waitReady(name, url), exited]);
    } catch (error) {
      // Never leave a half-started process behind.
      await this.kill(name);
      throw error;
    }
    return url;
  }

  private async waitReady(name: InstanceName, url: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    let last = '';
    const child = this.processes.get(name)?.child;
    while (Date.now() < deadline && child?.exitCode === null && child.signalCode === null) {
      try {
        const response = await fetch(`${url}/health/ready`);
        last = await response.text();
        if (response.ok) return;
      } catch (error) {
        last = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${name} not ready: ${last}\n${this.logs(name).slice(-30).join('\n')}`);
  }

  /** Kills a service the hard way (SIGKILL: no shutdown hooks, nothing flushed). */
  async kill(name: InstanceName): Promise<void> {
    await this.signal(name, 'SIGKILL');
  }

  /** Stops a service the polite way (SIGTERM: it leaves its consumer groups and drains). */
  async terminate(name: InstanceName): Promise<void> {
    await this.signal(name, 'SIGTERM');
  }

  /** Sends the signal and resolves once the process has exited; it is no longer one of the running ones. */
  private async signal(name: InstanceName, signal: NodeJS.Signals): Promise<void> {
    const running = this.processes.get(name);
    if (!running) return;
    this.processes.delete(name);
    const { child } = running;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  logs(name: InstanceName): string[] {
    return this.processes.get(name)?.output ?? [];
  }

  /** Runs the real CLI (`npx trawl …`) against this Trawl's database and topics; resolves with its stdout. */
  async cli(args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, [path.join(root, 'dist/apps/cli/src/main.js'), ...args], {
      env: this.env,
    });
    return stdout;
  }

  /**
   * Runs the `trawl` binary as `npx trawl` does (tools/trawl-cli/trawl.js) with this Trawl's environment
   * plus `env`, writing `stdin` to it; resolves with its exit code and output, whatever the code.
   * `started` is called with the child process (e.g. to wait for its output while it runs).
   */
  async trawl(
    args: string[],
    options: { stdin?: string; env?: Record<string, string | undefined>; started?: (child: ChildProcess) => void } = {},
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [path.join(root, 'tools/trawl-cli/trawl.js'), ...args], {
      env: { ...this.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', () => undefined); // a command that does not read stdin may exit before it is written
    child.stdin.end(options.stdin ?? '');
    options.started?.(child);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode) => resolve(exitCode));
    });
    return { code, stdout, stderr };
  }

  /** Creates an API key through the real CLI. */
  async apiKey(tenant: string): Promise<string> {
    const { stdout } = await run(
      process.execPath,
      [path.join(root, 'dist/apps/cli/src/main.js'), 'keys', 'create', '--tenant', tenant, '--json'],
      {
        env: this.env,
      },
    );
    return (JSON.parse(stdout) as { key: string }).key;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(
      [...this.processes.values()].map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    this.processes.clear();
    await this.db.drop().catch(() => undefined);
  }
}

/** A small HTTP client for the gateway with an API key. */
export function apiClient(baseUrl: string, key: string) {
  return async <T = unknown>(method: string, route: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
  };
}

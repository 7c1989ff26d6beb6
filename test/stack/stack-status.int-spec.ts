import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '../support/eventually';

/**
 * `npm run stack -- status` must tell the truth. This drives the real stack script for one part
 * (Jaeger: it starts in seconds from the cached binary) in a private stack folder on private free
 * ports, so the shared stack the other int tests use is never touched.
 */
jest.setTimeout(90_000);

const repoRoot = path.resolve(__dirname, '../..');
const cliPath = path.join(repoRoot, 'scripts/stack/cli.mjs');

interface PartStatus {
  name: string;
  state: 'up' | 'down' | 'unhealthy' | 'external';
  pid: number | null;
  where: string;
  problem?: string;
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Distinct free loopback ports: all bound at once (port 0), then released. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'; // a zombie is gone
  } catch {
    return false;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Runs Node 24 (the one running Jest) in the repository; resolves with the exit code and output. */
function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 80_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('stack status against a private Jaeger', () => {
  const stackDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trawl-stack-status-'));
  const pidFile = path.join(stackDir, 'jaeger', 'jaeger.pid');
  const started = new Set<number>();
  let env: NodeJS.ProcessEnv;
  let queryPort: number;

  /** Runs the stack script with Node 24 (the one running Jest) in the private environment. */
  const stack = (...args: string[]) => run([cliPath, ...args], env);

  async function status(): Promise<{ code: number | null; jaeger: PartStatus }> {
    const result = await stack('status', 'jaeger', '--json');
    const parsed = JSON.parse(result.stdout) as PartStatus[];
    expect(parsed).toHaveLength(1);
    return { code: result.code, jaeger: parsed[0]! };
  }

  async function up(): Promise<number> {
    const result = await stack('up', 'jaeger');
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^jaeger +up in \d+\.\ds/) });
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    started.add(pid);
    return pid;
  }

  beforeAll(async () => {
    const [kafka, controller, pg, grpc, http, query, queryGrpc, health] = await freePorts(8);
    queryPort = query!;
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('TRAWL_') && name !== 'DATABASE_URL'),
    );
    env = {
      ...inherited,
      // The binary cache is shared (a cold Jaeger build takes minutes); everything else is private.
      ...(process.env.TRAWL_CACHE_DIR ? { TRAWL_CACHE_DIR: process.env.TRAWL_CACHE_DIR } : {}),
      TRAWL_STACK_DIR: stackDir,
      TRAWL_KAFKA_PORT: String(kafka),
      TRAWL_KAFKA_CONTROLLER_PORT: String(controller),
      TRAWL_PG_PORT: String(pg),
      TRAWL_JAEGER_OTLP_GRPC_PORT: String(grpc),
      TRAWL_JAEGER_OTLP_HTTP_PORT: String(http),
      TRAWL_JAEGER_QUERY_PORT: String(query),
      TRAWL_JAEGER_QUERY_GRPC_PORT: String(queryGrpc),
      TRAWL_JAEGER_HEALTH_PORT: String(health),
    };
    // The script sees the private settings, and the Jaeger binary is cached (a cold build takes minutes).
    const probe = await run(
      [
        '--input-type=module',
        '-e',
        "import { loadSettings } from './scripts/stack/settings.mjs'; console.log(JSON.stringify(loadSettings()));",
      ],
      env,
    );
    expect(probe.code).toBe(0);
    const loaded = JSON.parse(probe.stdout) as {
      stackDir: string;
      cacheDir: string;
      jaeger: { version: string; queryPort: number };
    };
    expect(loaded).toMatchObject({ stackDir, jaeger: { queryPort } });
    const binary = path.join(loaded.cacheDir, `jaeger-${loaded.jaeger.version}`, 'jaeger');
    if (!fs.existsSync(binary)) {
      throw new Error(`${binary} is not built yet: run \`npm run stack -- up jaeger\` once (it builds and caches it)`);
    }
  });

  afterAll(async () => {
    // Resume anything left paused, stop it through the script, then make sure by pid.
    for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGCONT');
    if (env) await stack('down', 'jaeger').catch(() => undefined);
    for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(stackDir, { recursive: true, force: true });
  });

  it('reports down before anything was started, and exits 3', async () => {
    const { code, jaeger } = await status();
    expect(code).toBe(3);
    expect(jaeger).toMatchObject({ name: 'jaeger', state: 'down', pid: null });
    expect(jaeger.where).toContain(`query API http://127.0.0.1:${queryPort}`);
  });

  it('reports up (exit 0) with the pid of the process it started, which really answers', async () => {
    const pid = await up();
    const { code, jaeger } = await status();
    expect(code).toBe(0);
    expect(jaeger).toMatchObject({ state: 'up', pid });
    expect(isAlive(pid)).toBe(true);
    const response = await fetch(`http://127.0.0.1:${queryPort}/api/services`);
    expect(response.status).toBe(200);
    // `up` again is idempotent: same process.
    const again = await stack('up', 'jaeger');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^jaeger +already up/);
    expect((await status()).jaeger.pid).toBe(pid);
  });

  it('reports down (exit 3) after `down`, and the process and port are really gone', async () => {
    const { jaeger: before } = await status();
    const down = await stack('down', 'jaeger');
    expect(down).toMatchObject({ code: 0, stdout: expect.stringMatching(/^jaeger +stopped/) });
    expect(isAlive(before.pid!)).toBe(false);
    expect(await portOpen(queryPort)).toBe(false);
    const { code, jaeger } = await status();
    expect(code).toBe(3);
    expect(jaeger).toMatchObject({ state: 'down', pid: null });
    const twice = await stack('down', 'jaeger');
    expect(twice).toMatchObject({ code: 0, stdout: expect.stringMatching(/^jaeger +was not running/) });
  });

  it('reports unhealthy (exit 3) while the process is alive but does not answer', async () => {
    const pid = await up();
    process.kill(pid, 'SIGSTOP');
    try {
      const { code, jaeger } = await status();
      expect(code).toBe(3);
      expect(jaeger).toMatchObject({ state: 'unhealthy', pid });
      expect(jaeger.problem).toBeTruthy();
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await eventually(async () => expect((await status()).jaeger.state).toBe('up'), { timeoutMs: 15_000 });
  });

  it('reports down (exit 3) after the process was killed with SIGKILL, clearing the stale pid file', async () => {
    const { jaeger: before } = await status();
    expect(before.state).toBe('up');
    const pid = before.pid!;
    process.kill(pid, 'SIGKILL');
    await eventually(() => expect(isAlive(pid)).toBe(false), { timeoutMs: 10_000 });
    expect(fs.existsSync(pidFile)).toBe(true); // nobody told the script

    const { code, jaeger } = await status();
    expect(code).toBe(3);
    expect(jaeger).toMatchObject({ state: 'down', pid: null });
    expect(fs.existsSync(pidFile)).toBe(false);

    // And it recovers: `up` starts a fresh process.
    const fresh = await up();
    expect(fresh).not.toBe(pid);
    expect(await status()).toMatchObject({ code: 0, jaeger: { state: 'up', pid: fresh } });
    expect((await stack('down', 'jaeger')).code).toBe(0);
    expect(isAlive(fresh)).toBe(false);
  });
});

describe('stack script usage errors', () => {
  const stack = (...args: string[]) => run([cliPath, ...args]);

  it('exits 2 with the usage for an unknown part name, touching nothing', async () => {
    const result = await stack('status', 'jaegr', '--json');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('unknown part: jaegr');
    expect(result.stderr).toContain('usage: npm run stack -- up|down|status|logs|reset [kafka|postgres|jaeger ...]');
  });

  it('exits 2 with the usage without a command, and for an unknown command', async () => {
    for (const args of [[], ['restart', 'jaeger']]) {
      const result = await stack(...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^usage: npm run stack -- /);
    }
  });
});

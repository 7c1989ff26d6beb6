import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { uniqueName } from '../support/stack-env';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../..');

describe('npm run demo', () => {
  let db: TestDatabase;
  let demo: ChildProcess | undefined;
  let stdout = '';
  let stderr = '';

  beforeAll(async () => {
    db = await createTestDatabase('demo', { migrate: false });
  });

  afterAll(async () => {
    if (demo && demo.exitCode === null) demo.kill('SIGKILL');
    await db?.drop();
  });

  it('brings everything up, crawls the demo sites with live progress, says where to look, and stops on Ctrl-C', async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    demo = spawn(process.execPath, [path.join(root, 'scripts/demo.mjs')], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        TRAWL_TOPIC_PREFIX: `${uniqueName('demo')}.`,
        TRAWL_TOPIC_PARTITIONS: '3',
        GATEWAY_PORT: String(ports[0]),
        SCHEDULER_PORT: String(ports[1]),
        SCRAPER_PORT: String(ports[2]),
        AGGREGATOR_PORT: String(ports[3]),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    demo.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => demo!.once('exit', (code) => resolve(code)));

    await eventually(() => expect(stdout).toContain('Ctrl-C stops the services and the demo sites.'), {
      timeoutMs: 150_000,
      intervalMs: 500,
    }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`);
    });
    // Progress while it ran (plain lines: not a terminal here), then the summary and what to try next.
    // (A plain line comes first, then at most every 10 s: a quick run may show only the first.)
    expect(stderr).toMatch(/: (pending|running), \d+ of 10 domains ended/);
    expect(stdout).toMatch(/partial in [\d.]+ s/);
    expect(stdout).toMatch(/succeeded\s+7\b/);
    expect(stdout).toMatch(/failed\s+3\b/);
    expect(stdout).toMatch(/cyberdyne\.down\.demo\.test\s+connection_reset/);
    const batchId = /The demo batch ([0-9a-f-]{36}) has ended \(trawl exit code 3/.exec(stdout)?.[1];
    expect(batchId).toBeDefined();
    expect(stdout).toContain(`npx trawl retry-failed ${batchId}`);
    expect(stdout).toContain(`http://127.0.0.1:${ports[0]}/docs`);
    const docs = await fetch(`http://127.0.0.1:${ports[0]}/docs-json`);
    expect(docs.status).toBe(200);
    // The dashboard it points newcomers to is there, built.
    expect(stdout).toMatch(new RegExp(`dashboard:\\s+http://127\\.0\\.0\\.1:${ports[0]}/ `));
    const dashboard = await fetch(`http://127.0.0.1:${ports[0]}/`);
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('<script');

    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${ports[0]}/health/live`)).rejects.toThrow();
  });
});

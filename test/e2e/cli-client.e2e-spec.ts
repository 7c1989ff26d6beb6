import { type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { apiClient, TrawlUnderTest } from '../support/trawl-services';

jest.setTimeout(90_000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A TCP relay on loopback in front of the gateway: the connection between the CLI and the real
 * gateway can be cut (both sides destroyed) while a stream is open. Records each request's head.
 */
async function startRelay(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const requests: string[] = [];
  let answered = '';
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    let head = '';
    client.on('data', (chunk: Buffer) => {
      if (!head.includes('\r\n\r\n')) {
        head += chunk.toString('latin1');
        if (head.includes('\r\n\r\n')) requests.push(head.split('\r\n\r\n')[0]!);
      }
    });
    upstream.on('data', (chunk: Buffer) => (answered += chunk.toString('latin1')));
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    requests,
    /** Everything the gateway sent through the relay so far. */
    answered: () => answered,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Resolves once the child has written something matching `pattern` on stderr. */
function whenStderr(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    let text = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (pattern.test(text)) resolve();
    });
  });
}

describe('the trawl CLI against the running gateway', () => {
  let web: FixtureWeb;
  let trawl: TrawlUnderTest;
  let key: string;
  let env: Record<string, string>;
  let dir: string;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    web = await startFixtureWeb({ hostIdleMs: 0 });
    const refused = await freePort();
    trawl = await TrawlUnderTest.start('cli-client', {
      env: {
        TRAWL_RESOLVE: `${web.resolveSpec()},*.refused.test=127.0.0.1:${refused}`,
        SCHEDULER_MAX_ATTEMPTS: '1',
      },
    });
    key = await trawl.apiKey('acme');
    env = { TRAWL_GATEWAY: trawl.gatewayUrl, TRAWL_API_KEY: key };
    api = apiClient(trawl.gatewayUrl, key);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trawl-cli-'));
  });

  afterAll(async () => {
    await trawl?.stop();
    await web?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('submits a file, watches it to a partial end, and reads it back with status, list and export', async () => {
    const list = path.join(dir, 'domains.txt');
    fs.writeFileSync(
      list,
      '# three sites that answer, one that refuses connections\n\ncli-a.ok.fixture.test\n' +
        'https://cli-b.ok.fixture.test/about  # a URL is fine\ncli-c.ok.fixture.test\n\nx.refused.test\n',
    );
    const submitted = await trawl.trawl(
      [
        'submit',
        list,
        '--max-pages',
        '2',
        '--concurrency',
        '2',
        '--metadata',
        '{"run":"cli"}',
        '--idempotency-key',
        'k1',
      ],
      { env },
    );
    expect(submitted).toMatchObject({ code: 0, stderr: '' });
    const batchId = submitted.stdout.trim();
    expect(batchId).toMatch(UUID);
    // Without a key anywhere: one line.
    const again = await trawl.trawl(
      [
        'submit',
        list,
        '--max-pages',
        '2',
        '--concurrency',
        '2',
        '--metadata',
        '{"run":"cli"}',
        '--idempotency-key',
        'k1',
      ],
      { env: { ...env, TRAWL_GATEWAY: '', TRAWL_API_KEY: '' }, stdin: '' },
    );
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^trawl: no API key: give --key KEY or set TRAWL_API_KEY/),
    ]);
    const replayed = await trawl.trawl(
      [
        'submit',
        list,
        ...['--max-pages', '2', '--concurrency', '2', '--metadata', '{"run":"cli"}', '--idempotency-key', 'k1'],
        ...['--json', '--gateway', trawl.gatewayUrl, '--key', key],
      ],
      { env: { TRAWL_GATEWAY: '', TRAWL_API_KEY: '' } },
    );
    // The same Idempotency-Key and request (gateway and key given as options): the same batch, as JSON.
    expect(replayed.code).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ batch_id: batchId, job_count: 4 });

    // Watch to the end (stderr is no terminal: a few plain lines, no redrawn bar).
    const watched = await trawl.trawl(['watch', batchId], { env });
    expect(watched.code).toBe(3);
    expect(watched.stderr).not.toContain('\r');
    expect(watched.stderr).not.toContain('\u001b[');
    const progressLines = watched.stderr.trim().split('\n');
    expect(progressLines.length).toBeGreaterThanOrEqual(1);
    expect(progressLines.length).toBeLessThanOrEqual(5);
    for (const line of progressLines)
      expect(line).toMatch(new RegExp(`^batch ${batchId}: \\w+, \\d+ of 4 domains ended`));
    const summary = watched.stdout.split('\n');
    expect(summary[0]).toMatch(new RegExp(`^batch ${batchId} partial in \\d+(\\.\\d)? s$`));
    expect(watched.stdout).toMatch(/^total +4$/m);
    expect(watched.stdout).toMatch(/^succeeded +3$/m);
    expect(watched.stdout).toMatch(/^failed +1$/m);
    expect(watched.stdout).toMatch(/^FAILED DOMAIN +ERROR CLASS$/m);
    expect(watched.stdout).toMatch(/^x\.refused\.test +connection_refused$/m);

    // Watching an ended batch: the whole picture at once, same exit code; --json for scripts.
    const json = await trawl.trawl(['watch', batchId, '--json'], { env });
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({
      batch_id: batchId,
      status: 'partial',
      total_domains: 4,
      completed_domains: 3,
      failed_domains: 1,
      cancelled_domains: 0,
      duration_seconds: expect.any(Number),
      failed: [{ domain: 'x.refused.test', error_class: 'connection_refused' }],
      exit_code: 3,
    });

    const status = await trawl.trawl(['status', batchId, '--json'], { env });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      batch_id: batchId,
      status: 'partial',
      total_domains: 4,
      failed_domains: 1,
      max_pages: 2,
      max_concurrent_jobs: 2,
      metadata: { run: 'cli' },
      domain_statuses: { 'x.refused.test': 'failed', 'cli-a.ok.fixture.test': 'succeeded' },
    });
    const text = await trawl.trawl(['status', batchId], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^status +partial$/m);
    expect(text.stdout).toMatch(/^progress +100\.0% \(4 of 4 domains ended\)$/m);

    const listed = await trawl.trawl(['list', '--status', 'partial', '--json'], { env });
    expect(listed.code).toBe(0);
    const items = JSON.parse(listed.stdout) as { batch_id: string; status: string }[];
    expect(items.map((item) => item.batch_id)).toContain(batchId);
    expect(items.every((item) => item.status === 'partial')).toBe(true);
    const none = await trawl.trawl(['list', '--status', 'failed', '--json'], { env });
    expect(JSON.parse(none.stdout)).toEqual([]);
    const table = await trawl.trawl(['list', '--limit', '1'], { env });
    expect(table.stdout.trim().split('\n')).toHaveLength(2); // header and the newest
    expect(table.stdout).toMatch(/^BATCH_ID +STATUS +DOMAINS/);

    const csvFile = path.join(dir, 'out.csv');
    const exported = await trawl.trawl(['export', batchId, '--format', 'csv', '-o', csvFile], { env });
    expect(exported).toMatchObject({ code: 0, stdout: '' });
    const rows = fs.readFileSync(csvFile, 'utf8').trim().split(/\r?\n/);
    expect(rows[0]).toMatch(/^domain,status,/);
    expect(rows).toHaveLength(5);
    expect(rows.find((row) => row.startsWith('x.refused.test,'))).toMatch(
      /^x\.refused\.test,failed,.*connection_refused/,
    );
    expect(rows.filter((row) => /^cli-[abc]\.ok\.fixture\.test,succeeded,/.test(row))).toHaveLength(3);
    expect(fs.readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
    const jsonl = await trawl.trawl(['export', batchId, '--format', 'jsonl'], { env });
    expect(jsonl.code).toBe(0);
    const lines = jsonl.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { domain: string; status: string });
    expect(lines.map((line) => line.domain).sort()).toEqual([
      'cli-a.ok.fixture.test',
      'cli-b.ok.fixture.test',
      'cli-c.ok.fixture.test',
      'x.refused.test',
    ]);

    // A new round for the failed domain; it still refuses connections, so the batch ends partial again.
    const retried = await trawl.trawl(['retry-failed', batchId], { env });
    expect(retried).toEqual({
      code: 0,
      stdout: `batch ${batchId}: retrying 1 failed domain (round 1)\n`,
      stderr: '',
    });
    await eventually(async () => {
      const { body } = await api<{ status: string; retry_rounds: number }>('GET', `/api/v1/batches/${batchId}`);
      expect(body).toMatchObject({ status: 'partial', retry_rounds: 1 });
    });
    const rewatched = await trawl.trawl(['watch', batchId, '--json'], { env });
    expect(rewatched.code).toBe(3);
    expect(JSON.parse(rewatched.stdout)).toMatchObject({
      status: 'partial',
      failed: [{ domain: 'x.refused.test', error_class: 'connection_refused' }],
    });
  });

  it('submits from stdin, and cancels a batch while another CLI watches it (exit 5)', async () => {
    const domains = Array.from({ length: 6 }, (_, i) => `cli-s${i}--d2000-x.slow.fixture.test`);
    const submitted = await trawl.trawl(['submit', '--json', '--max-pages', '1', '--concurrency', '1'], {
      env,
      stdin: `${domains.join('\n')}\n`,
    });
    expect(submitted.code).toBe(0);
    const accepted = JSON.parse(submitted.stdout) as { batch_id: string; job_count: number; status_url: string };
    expect(accepted).toMatchObject({ job_count: 6, status_url: `/api/v1/batches/${accepted.batch_id}` });
    const batchId = accepted.batch_id;

    let watcher: ChildProcess | undefined;
    const watching = trawl.trawl(['watch', batchId], { env, started: (child) => (watcher = child) });
    await whenStderr(watcher!, /^batch /m); // it follows the stream
    await eventually(async () => {
      const { body } = await api<{ status: string }>('GET', `/api/v1/batches/${batchId}`);
      expect(body.status).toBe('running');
    });

    const early = await trawl.trawl(['retry-failed', batchId], { env });
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/^trawl: the gateway answered 409 Conflict: .+\n$/);

    const cancelled = await trawl.trawl(['cancel', batchId, '--reason', 'cli test'], { env });
    expect(cancelled).toMatchObject({ code: 0, stdout: `batch ${batchId}: cancelling\n` });
    const watched = await watching;
    expect(watched.code).toBe(5);
    expect(watched.stdout).toMatch(new RegExp(`^batch ${batchId} cancelled in `));
    expect(watched.stdout).toMatch(/^cancelled +[1-6]$/m);

    // Cancelling a batch that ended: the gateway's 409, in one line.
    const late = await trawl.trawl(['cancel', batchId], { env });
    expect(late.code).toBe(1);
    expect(late.stdout).toBe('');
    expect(late.stderr).toMatch(/^trawl: the gateway answered 409 Conflict: .+\n$/);
  });

  it('reconnects with Last-Event-ID when the event stream is cut, and still ends with the outcome', async () => {
    const relay = await startRelay(trawl.gatewayUrl);
    try {
      const domains = [
        'cli-r0--d600-x.slow.fixture.test',
        'cli-r1--d600-x.slow.fixture.test',
        'cli-r2.ok.fixture.test',
      ];
      // submit --watch goes straight into the watch, through the relay.
      let watcher: ChildProcess | undefined;
      const watching = trawl.trawl(
        ['submit', '--watch', '--json', '--max-pages', '2', '--concurrency', '1', '--gateway', relay.url],
        { env, stdin: domains.join('\n'), started: (child) => (watcher = child) },
      );
      // Once the stream has sent an event with an id, cut the connection under the watch.
      await eventually(() => expect(relay.answered()).toMatch(/^id: \d+$/m), { timeoutMs: 20_000 });
      const reconnecting = whenStderr(watcher!, /reconnecting/);
      relay.cut();
      await reconnecting;
      const watched = await watching;
      expect(watched.code).toBe(0);
      const summary = JSON.parse(watched.stdout) as { batch_id: string };
      expect(summary).toMatchObject({ status: 'complete', total_domains: 3, completed_domains: 3, exit_code: 0 });
      expect(watched.stderr).toMatch(new RegExp(`^submitted batch ${summary.batch_id} \\(3 domains\\)$`, 'm'));
      expect(watched.stderr).toMatch(
        /^trawl: the event stream from the gateway at http:\/\/127\.0\.0\.1:\d+ broke off \(.+\); reconnecting after event \d+$/m,
      );
      const streams = relay.requests.filter((head) =>
        head.startsWith(`GET /api/v1/batches/${summary.batch_id}/events`),
      );
      expect(streams.length).toBeGreaterThanOrEqual(2);
      expect(streams[0]).not.toMatch(/^last-event-id:/im);
      expect(streams[1]).toMatch(/^last-event-id: \d+$/im);
    } finally {
      await relay.close();
    }
  });

  it('says in one line why it cannot do what was asked, with exit 1; bad usage is exit 2', async () => {
    const someBatch = '282348a7-ac5b-41c2-a279-9eea14a17bcc';
    const port = await freePort();
    const down = await trawl.trawl(['status', someBatch], {
      env: { ...env, TRAWL_GATEWAY: `http://127.0.0.1:${port}` },
    });
    expect(down).toEqual({
      code: 1,
      stdout: '',
      stderr: `trawl: cannot reach the gateway at http://127.0.0.1:${port}: connection refused\n`,
    });
    const watchDown = await trawl.trawl(['watch', someBatch, '--gateway', `http://127.0.0.1:${port}`], { env });
    expect(watchDown.code).toBe(1);
    expect(watchDown.stderr).toBe(`trawl: cannot reach the gateway at http://127.0.0.1:${port}: connection refused\n`);

    const refused = await trawl.trawl(['list'], { env: { ...env, TRAWL_API_KEY: 'trawl_not-a-real-key' } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^trawl: the gateway refused the API key \(401 Unauthorized[^\n]*\)\n$/);

    const unknown = await trawl.trawl(['status', someBatch], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^trawl: the gateway answered 404 Not Found: [^\n]+\n$/);

    const empty = await trawl.trawl(['submit'], { env, stdin: '# nothing\n\n' });
    expect(empty).toEqual({
      code: 1,
      stdout: '',
      stderr: 'trawl: submit: no domains in stdin (one a line; blank lines and # comments are ignored)\n',
    });
    const missing = await trawl.trawl(['submit', path.join(dir, 'nope.txt')], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`trawl: submit: cannot read ${path.join(dir, 'nope.txt')}: no such file\n`);

    const invalid = await trawl.trawl(['submit', '-'], { env, stdin: 'not a domain!\n' });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^trawl: the gateway answered 400 Bad Request: [^\n]+\n$/);

    for (const args of [
      ['watch'],
      ['export', someBatch, '--format', 'xml'],
      ['list', '--limit', 'ten'],
      ['submit', '--nope'],
    ]) {
      const bad = await trawl.trawl(args, { env });
      expect(bad.code).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toMatch(/^trawl: .+\nusage: trawl <command>\n/);
    }
  });
});

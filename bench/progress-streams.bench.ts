/**
 * What open progress streams (GET /api/v1/batches/:id/events) cost the gateway: N streams on one
 * running batch, the gateway's RSS and CPU before they open, while they sit idle, and while the
 * batch moves (every change of the batch wakes every stream, which reads what changed).
 * Usage: npm run bench -- progress-streams --streams 1000 --domains 60
 */
import { Agent, request } from 'undici';
import { startFixtureWeb } from '../test/fixture-web/fixture-web.server';
import { apiClient, TrawlUnderTest } from '../test/support/trawl-services';
import { processCpuMs, rssMb } from './proc-stats';
import { numberFlag } from './flags';

/** RSS (MB) and CPU time (ms) of a process, from /proc. */
function usage(pid: number): { rssMb: number; cpuMs: number } {
  return { rssMb: rssMb(pid), cpuMs: processCpuMs(pid) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const streams = numberFlag('streams', 1000);
  const domainCount = numberFlag('domains', 60);
  const web = await startFixtureWeb({ hostIdleMs: 0 });
  const trawl = await TrawlUnderTest.start('bench-streams', {
    env: { TRAWL_RESOLVE: web.resolveSpec(), LOG_LEVEL: 'warn', SCHEDULER_MAX_ATTEMPTS: '1' },
  });
  const agent = new Agent({ connections: streams + 10 });
  try {
    const key = await trawl.apiKey('bench');
    const api = apiClient(trawl.gatewayUrl, key);
    const pid = trawl.processes.get('gateway')!.child.pid!;
    // A slow batch: each site answers in 1.5 s, two at a time, so the streams stay open for a while.
    const domains = Array.from({ length: domainCount }, (_, i) => `bs--d1500-${i}.slow.fixture.test`);
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains,
      max_pages: 1,
      max_concurrent_jobs: 2,
    });
    const url = `${trawl.gatewayUrl}/api/v1/batches/${created.body.batch_id}/events`;
    await sleep(1_000);
    const before = usage(pid);

    let events = 0;
    let ended = 0;
    const opened = Date.now();
    const readers = Array.from({ length: streams }, async () => {
      const response = await request(url, { headers: { authorization: `Bearer ${key}` }, dispatcher: agent });
      for await (const chunk of response.body) events += String(chunk).split('\n\n').length - 1;
      ended += 1;
    });
    await sleep(5_000);
    const open = usage(pid);
    await sleep(10_000);
    const idle = usage(pid);
    const idleSeconds = 10;
    await Promise.all(readers);
    const done = usage(pid);
    const seconds = (Date.now() - opened) / 1000;
    process.stdout.write(
      [
        `${streams} streams on one batch of ${domainCount} domains (open ${seconds.toFixed(0)} s, ${ended} ended, ${events} events read)`,
        `gateway RSS: ${before.rssMb.toFixed(0)} MB before, ${open.rssMb.toFixed(0)} MB with the streams open ` +
          `(${(((open.rssMb - before.rssMb) * 1024) / streams).toFixed(1)} KB per stream)`,
        `gateway CPU: ${((idle.cpuMs - open.cpuMs) / idleSeconds / 10).toFixed(1)}% of a core over ${idleSeconds} s of the batch moving, ` +
          `${(done.cpuMs - before.cpuMs).toFixed(0)} ms in all (${((done.cpuMs - before.cpuMs) / Math.max(1, events)).toFixed(2)} ms per event sent)`,
      ].join('\n') + '\n',
    );
  } finally {
    await agent.close();
    await trawl.stop();
    await web.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

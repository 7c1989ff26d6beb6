/**
 * What exporting a big batch costs the gateway: a finished batch of N domains (default 10,000, each
 * with a start page and an extraction, written straight into the projection), exported as CSV and as
 * JSONL over HTTP while the gateway's RSS is sampled every 20 ms. A streamed export holds a cursor's
 * page of rows at a time, so the peak should not grow with N.
 * Usage: npm run bench -- export-memory --domains 10000
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { request } from 'undici';
import { TrawlUnderTest } from '../test/support/trawl-services';
import { rssMb } from './proc-stats';
import { numberFlag } from './flags';

/** A finished batch of `count` domains for `tenant`, each with one page and an extraction. */
async function seedBatch(databaseUrl: string, tenant: string, count: number): Promise<string> {
  const batchId = randomUUID();
  const sql = new Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    const now = new Date();
    await sql.query(
      `insert into batches (id, tenant, status, total_domains, succeeded_domains, pages_scraped, max_pages,
         max_concurrent_jobs, metadata, created_at, updated_at, start_time, end_time)
       values ($1, $2, 'complete', $3, $3, $3, 1, 10, '{}', $4, $4, $4, $4)`,
      [batchId, tenant, count, now],
    );
    await sql.query(
      `insert into batch_domains (batch_id, domain, ordinal, status, attempt, pages_scraped, started_at, finished_at,
         updated_at, extraction)
       select $1, 'site-' || i || '.example.com', i, 'succeeded', 1, 1, $2, $2, $2,
         jsonb_build_object(
           'emails', jsonb_build_array('info@site-' || i || '.example.com', 'sales@site-' || i || '.example.com'),
           'phones', jsonb_build_array('+1 415 555 0' || lpad((i % 1000)::text, 3, '0')),
           'socials', jsonb_build_array(jsonb_build_object('platform', 'linkedin',
             'url', 'https://www.linkedin.com/company/site-' || i)),
           'technologies', jsonb_build_array('WordPress', 'jQuery', 'PHP'))
       from generate_series(0, $3 - 1) as i`,
      [batchId, now, count],
    );
    await sql.query(
      `insert into pages (batch_id, domain, position, url, final_url, status_code, content_type, title, description,
         fetched_at, duration_ms)
       select $1, 'site-' || i || '.example.com', 0, 'https://site-' || i || '.example.com/',
         'https://site-' || i || '.example.com/', 200, 'text/html',
         'Site ' || i || ' — "quoted", commas, and a long enough title to look real',
         repeat('A description of what site ' || i || ' says about itself. ', 4), $2, 42.5
       from generate_series(0, $3 - 1) as i`,
      [batchId, now, count],
    );
  } finally {
    await sql.end();
  }
  return batchId;
}

async function exportOnce(
  url: string,
  key: string,
  pid: number,
): Promise<{ bytes: number; lines: number; seconds: number; peakMb: number }> {
  let peakMb = rssMb(pid);
  const sampler = setInterval(() => (peakMb = Math.max(peakMb, rssMb(pid))), 20);
  const started = Date.now();
  try {
    const response = await request(url, { headers: { authorization: `Bearer ${key}` } });
    if (response.statusCode !== 200) throw new Error(`export answered ${response.statusCode}`);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer;
      bytes += buffer.length;
      for (const byte of buffer) if (byte === 10) lines += 1;
    }
    return { bytes, lines, seconds: (Date.now() - started) / 1000, peakMb };
  } finally {
    clearInterval(sampler);
  }
}

async function main(): Promise<void> {
  const domains = numberFlag('domains', 10_000);
  const trawl = await TrawlUnderTest.start('bench-export', { services: ['gateway'], env: { LOG_LEVEL: 'warn' } });
  try {
    const key = await trawl.apiKey('bench');
    const batchId = await seedBatch(trawl.db.url, 'bench', domains);
    const pid = trawl.processes.get('gateway')!.child.pid!;
    const base = `${trawl.gatewayUrl}/api/v1/batches/${batchId}/export`;
    // One small export first, so that what is measured is the export and not the first request's warm-up.
    await exportOnce(`${base}?format=jsonl`, key, pid);
    global.gc?.();
    const idleMb = rssMb(pid);
    const rows: string[] = [];
    for (const format of ['csv', 'jsonl']) {
      const run = await exportOnce(`${base}?format=${format}`, key, pid);
      rows.push(
        `| ${format} | ${domains} | ${(run.bytes / 1024 / 1024).toFixed(1)} | ${run.lines} | ${run.seconds.toFixed(2)} | ` +
          `${idleMb.toFixed(0)} | ${run.peakMb.toFixed(0)} | +${(run.peakMb - idleMb).toFixed(0)} |`,
      );
    }
    process.stdout.write(
      [
        `export of a ${domains}-domain batch (gateway RSS sampled every 20 ms)`,
        '| format | domains | MB sent | lines | seconds | gateway RSS before, MB | peak RSS, MB | peak − before, MB |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        ...rows,
      ].join('\n') + '\n',
    );
  } finally {
    await trawl.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

/**
 * POST /api/v1/batches latency at a steady request rate (default 200 req/s for 20 s), against a
 * real gateway process on the real stack (Kafka acks=all, Postgres). Prints p50/p90/p99/max.
 * Goal: p99 < 25 ms. Usage: npm run bench [-- --rate 200 --seconds 20 --domains 10]
 */
import autocannon, { type Request } from 'autocannon';
import { TrawlUnderTest } from '../test/support/trawl-services';
import { numberFlag } from './flags';

async function main(): Promise<void> {
  const rate = numberFlag('rate', 200);
  const seconds = numberFlag('seconds', 20);
  const domainsPerBatch = numberFlag('domains', 10);
  const trawl = await TrawlUnderTest.start('bench-post', { services: ['gateway'] });
  try {
    const key = await trawl.apiKey('bench');
    const url = `${trawl.gatewayUrl}/api/v1/batches`;
    let n = 0;
    const body = () =>
      JSON.stringify({
        domains: Array.from({ length: domainsPerBatch }, (_, i) => `site${i}-${n++}.example.com`),
        max_pages: 5,
      });
    const common = {
      url,
      method: 'POST' as const,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      // A new body per request: unique domains, so no two batches are alike.
      requests: [{ setupRequest: (request: Request): Request => ({ ...request, body: body() }) }],
    };
    // Warm-up: connections, JIT, key cache.
    await autocannon({ ...common, connections: 10, overallRate: rate, duration: 3 });
    const result = await autocannon({ ...common, connections: 20, overallRate: rate, duration: seconds });
    const non2xx = result.non2xx + result.errors + result.timeouts;
    const lines = [
      `POST /api/v1/batches, ${domainsPerBatch} domains per batch, ${rate} req/s for ${seconds} s (${result.requests.total} requests, ${non2xx} not 202)`,
      `latency ms: p50 ${result.latency.p50}  p90 ${result.latency.p90}  p99 ${result.latency.p99}  max ${result.latency.max}  (goal: p99 < 25)`,
      `throughput: ${result.requests.average} req/s average`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await trawl.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

import { startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { allDomains, batchDocument } from '../support/batch-reads';
import { eventually } from '../support/eventually';
import { killStackPart, stackPartPid, startStackPart, type StackPart } from '../support/stack-parts';
import { apiClient, type InstanceName, TrawlUnderTest } from '../support/trawl-services';

/**
 * The crash matrix: one 500-domain batch per victim, with two scraper processes, and kill -9 of
 * that victim once a quarter of the batch has ended; it is started again at once. Each batch must
 * end with every domain terminal and exact counts, nothing dead-lettered. What the crash cost is
 * measured and printed: domains crawled more than once (redeliveries) and extra attempts.
 *
 * Killing Kafka and Postgres is safe here because `npm test` runs the suites one at a time
 * (--runInBand); both are back up before the next case starts.
 */
jest.setTimeout(20 * 60_000);

const DOMAINS = 500;
const DOWN_EVERY = 10; // every 10th domain refuses connections: it fails after its retries
const KILL_AFTER_ENDED = DOMAINS / 4;

type Victim =
  | { kind: 'none'; name: 'nothing' }
  | { kind: 'service'; name: InstanceName; service: Parameters<TrawlUnderTest['launch']>[0] }
  | StackVictim;
interface StackVictim {
  kind: 'stack';
  name: StackPart;
}

const VICTIMS: Victim[] = [
  // The control: the same batch with no kill, for the figures.
  { kind: 'none', name: 'nothing' },
  { kind: 'service', name: 'gateway', service: 'gateway' },
  { kind: 'service', name: 'scheduler', service: 'scheduler' },
  { kind: 'service', name: 'aggregator', service: 'aggregator' },
  { kind: 'service', name: 'scraper', service: 'scraper' },
  { kind: 'stack', name: 'kafka' },
  { kind: 'stack', name: 'postgres' },
];

interface Cost {
  victim: string;
  seconds: number;
  recrawled: number;
  extraDeliveries: number;
  extraAttempts: number;
}

describe('the crash matrix: kill -9 mid-batch, 500 domains, two scrapers', () => {
  let web: FixtureWeb;
  let trawl: TrawlUnderTest;
  let api: ReturnType<typeof apiClient>;
  const costs: Cost[] = [];

  beforeAll(async () => {
    web = await startFixtureWeb({ hostIdleMs: 0 });
    trawl = await TrawlUnderTest.start('crash-matrix', {
      env: {
        TRAWL_RESOLVE: web.resolveSpec(),
        // A killed member holds its partitions until its session times out: keep that short.
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        SCHEDULER_MAX_ATTEMPTS: '2',
        SCHEDULER_RETRY_BASE_MS: '200',
        SCHEDULER_RETRY_MAX_MS: '1000',
        SCHEDULER_ATTEMPT_TIMEOUT_MS: '60000',
        SCRAPER_CONCURRENCY: '8',
      },
    });
    await trawl.launch('scraper', {}, 'scraper-2');
    api = apiClient(trawl.gatewayUrl, await trawl.apiKey('acme'));
  });

  afterAll(async () => {
    // Whatever happened, the shared stack is left up for the suites that follow.
    await startStackPart('kafka').catch(() => undefined);
    await startStackPart('postgres').catch(() => undefined);
    await trawl?.stop();
    await web?.close();
    if (costs.length > 0) {
      process.stdout.write(
        `\ncrash matrix (${DOMAINS} domains each, two scrapers; killed once ${KILL_AFTER_ENDED} had ended):\n` +
          costs
            .map(
              (c) =>
                `  ${c.victim === 'nothing' ? 'no kill'.padEnd(18) : `kill -9 ${c.victim.padEnd(10)}`} ` +
                `${c.seconds.toFixed(0).padStart(4)} s to the end; ` +
                `${c.recrawled} domains crawled again, ${c.extraDeliveries} extra deliveries, ` +
                `${c.extraAttempts} extra attempts`,
            )
            .join('\n') +
          '\n',
      );
    }
  });

  async function kill(victim: Victim): Promise<void> {
    if (victim.kind === 'none') return;
    if (victim.kind === 'service') {
      await trawl.kill(victim.name);
      await trawl.launch(victim.service, {}, victim.name);
      if (victim.name === 'gateway') api = apiClient(trawl.gatewayUrl, await trawl.apiKey('acme'));
      return;
    }
    await killStackPart(victim.name);
    await startStackPart(victim.name);
  }

  it.each(VICTIMS.map((victim) => [victim.name, victim] as const))(
    '%s killed with -9 mid-batch: every domain ends, the counts are exact, nothing is dead-lettered',
    async (name, victim) => {
      if (victim.kind === 'stack' && (await stackPartPid(victim.name)) === undefined) {
        throw new Error(`${name} is external to this stack (e.g. a DATABASE_URL of your own): it cannot be killed`);
      }
      const tag = `cm${name.replace(/[^a-z]/g, '')}`;
      const domains = Array.from({ length: DOMAINS }, (_, i) =>
        i % DOWN_EVERY === DOWN_EVERY - 1 ? `${tag}${i}.down.fixture.test` : `${tag}--d150-${i}.slow.fixture.test`,
      );
      const okDomains = domains.filter((domain) => !domain.includes('.down.'));
      const started = Date.now();
      const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
        domains,
        max_pages: 1,
        max_concurrent_jobs: 40,
      });
      expect(created.status).toBe(202);
      const batchId = created.body.batch_id;

      await eventually(
        async () => {
          const doc = await batchDocument(api, batchId);
          expect(doc.completed_domains + doc.failed_domains).toBeGreaterThanOrEqual(KILL_AFTER_ENDED);
          expect(doc.status).toBe('running');
        },
        { timeoutMs: 120_000, intervalMs: 100 },
      );
      await kill(victim);

      const doc = await eventually(
        async () => {
          const body = await batchDocument(api, batchId);
          expect(body.status).toBe('partial');
          return body;
        },
        { timeoutMs: 300_000, intervalMs: 500 },
      );
      const rows = await allDomains(api, batchId);
      // A site that answers never fails, whatever was killed (shown with its error if it did).
      expect(rows.filter((row) => row.status !== 'succeeded' && !row.domain.includes('.down.'))).toEqual([]);
      expect(doc).toMatchObject({
        total_domains: DOMAINS,
        completed_domains: okDomains.length,
        failed_domains: DOMAINS - okDomains.length,
        cancelled_domains: 0,
      });
      expect(rows).toHaveLength(DOMAINS);
      expect(rows.filter((row) => row.status === 'succeeded').map((row) => row.domain)).toEqual(okDomains);
      for (const row of rows.filter((r) => r.status === 'failed')) {
        expect(row).toMatchObject({ attempts: 2, error: { retryable: true } });
      }
      // Every site that answers was crawled; each crawl starts with one robots.txt.
      const crawls = (domain: string) => web.stats.pathsFor(domain).filter((p) => p === '/robots.txt').length;
      for (const domain of okDomains) expect(crawls(domain)).toBeGreaterThanOrEqual(1);
      const deadLetters = JSON.parse(await trawl.cli(['dlq', 'list', '--json', '--batch', batchId])) as unknown[];
      expect(deadLetters).toEqual([]);

      costs.push({
        victim: name,
        seconds: (Date.now() - started) / 1000,
        recrawled: okDomains.filter((domain) => crawls(domain) > 1).length,
        extraDeliveries: rows.reduce((sum, row) => sum + Math.max(0, row.deliveries - 1), 0),
        extraAttempts: rows
          .filter((row) => row.status === 'succeeded')
          .reduce((sum, row) => sum + (row.attempts - 1), 0),
      });
    },
  );
});

import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { topicName, type TopicRole } from '@trawl/contracts';
import { startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { allDomains, batchDocument, type BatchDocument } from '../support/batch-reads';
import { eventually } from '../support/eventually';
import { KafkaCluster, type KafkaNode } from '../support/kafka-cluster';
import { apiClient, TrawlUnderTest } from '../support/trawl-services';

/**
 * Beyond one machine: the four services on a three-node KRaft cluster of this spec's own
 * (`npm run stack -- up kafka --brokers 3`: replication factor 3, min.insync.replicas 2, in a
 * stack dir and on ports of its own; the shared single-node stack is not touched). One batch
 * runs undisturbed, for the figures; in a second, the broker that matters most to it (the
 * leader of its batch-events partition if it can be, then the active controller and group
 * coordinators) is killed with -9 once a quarter of the batch has ended, and a client submits
 * another batch at that moment. The batch must end exactly as the first did: every domain
 * terminal, exact counts, nothing dead-lettered, every site crawled, and crawled again only while
 * the cluster was repairing the loss (see runBatch). The other batch is accepted (after 503s,
 * with its Idempotency-Key) and completes. Then the broker is started again and must rejoin
 * every partition's in-sync replicas. The figures are printed at the end.
 */
jest.setTimeout(8 * 60_000);

const DOMAINS = 300;
const DOWN_EVERY = 10; // every 10th domain refuses connections: it fails after its retries
const KILL_AFTER_ENDED = DOMAINS / 4;
/** A hard cap on crawls of one domain, whatever happens (see runBatch). */
const MAX_CRAWLS = 10;
/** How long after every partition had a leader again a repeat crawl may still start (a handler's backoff, a rejoin). */
const SETTLE_MS = 30_000;
const ROLES: TopicRole[] = ['batchEvents', 'domainCommands', 'deadLetter'];
const GROUPS = ['scheduler', 'aggregator', 'scraper'];

interface Run {
  what: string;
  seconds: number;
  longestStallSeconds: number;
  recrawled: number;
  mostCrawls: number;
  extraDeliveries: number;
  /** When the end was seen (Date.now()). */
  endedAt: number;
}

/** Java's String.hashCode, as Kafka uses it to place a group on a __consumer_offsets partition. */
function javaHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i += 1) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

describe('a three-broker cluster loses a broker mid-batch', () => {
  let cluster: KafkaCluster;
  let web: FixtureWeb;
  let trawl: TrawlUnderTest;
  let api: ReturnType<typeof apiClient>;
  let admin: ReturnType<Kafka['admin']>;
  const runs: Run[] = [];
  const figures: string[] = [];

  beforeAll(async () => {
    cluster = await KafkaCluster.create('broker-loss', { brokers: 3, heap: '384m' });
    const started = Date.now();
    await cluster.up();
    figures.push(`cluster of 3 up in ${((Date.now() - started) / 1000).toFixed(1)} s (heap 384m per node)`);
    const brokers = cluster.brokers();
    expect(brokers.split(',')).toHaveLength(3);
    admin = new Kafka({
      clientId: 'broker-loss-spec',
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();

    web = await startFixtureWeb({ hostIdleMs: 0 });
    trawl = await TrawlUnderTest.start('broker-loss', {
      env: {
        KAFKA_BROKERS: brokers,
        TRAWL_RESOLVE: web.resolveSpec(),
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
    await admin?.disconnect().catch(() => undefined);
    await trawl?.stop();
    await web?.close();
    await cluster?.destroy();
    const lines = [
      ...figures,
      ...runs.map(
        (run) =>
          `${run.what.padEnd(24)} ${run.seconds.toFixed(1).padStart(5)} s POST to end; longest time without a domain ending ` +
          `${run.longestStallSeconds.toFixed(1)} s; ${run.recrawled} domains crawled again (at most ${run.mostCrawls} times), ` +
          `${run.extraDeliveries} extra deliveries`,
      ),
    ];
    if (lines.length > 0)
      process.stdout.write(`\nbroker loss (${DOMAINS} domains, two scrapers):\n  ${lines.join('\n  ')}\n`);
  });

  const topics = () => ROLES.map((role) => topicName(trawl.topicPrefix, role));

  /** Per node, what it does for this Trawl now: partitions it leads, groups it coordinates, the quorum. */
  async function roles(nodes: KafkaNode[], batchPartition: number | undefined) {
    const metadata = await admin.fetchTopicMetadata({ topics: [...topics(), '__consumer_offsets'] });
    const offsets = metadata.topics.find((topic) => topic.name === '__consumer_offsets')!.partitions;
    const coordinatorOf = (group: string) =>
      offsets.find((p) => p.partitionId === (javaHash(`${trawl.topicPrefix}${group}`) & 0x7fffffff) % offsets.length)!
        .leader;
    const batchEvents = metadata.topics.find((topic) => topic.name === topicName(trawl.topicPrefix, 'batchEvents'))!;
    return nodes.map((node) => {
      const leads = metadata.topics
        .filter((topic) => topic.name !== '__consumer_offsets')
        .flatMap((topic) =>
          topic.partitions.filter((p) => p.leader === node.id).map((p) => `${topic.name}/${p.partitionId}`),
        );
      const coordinates = GROUPS.filter((group) => coordinatorOf(group) === node.id);
      const leadsBatch = batchEvents.partitions.some((p) => p.partitionId === batchPartition && p.leader === node.id);
      return {
        node,
        leads,
        coordinates,
        leadsBatch,
        score: (leadsBatch ? 8 : 0) + (node.activeController ? 4 : 0) + coordinates.length,
      };
    });
  }

  /** The batch-events partition a POST wrote to: the one whose end offset moved. */
  async function endOffsets(): Promise<Map<number, string>> {
    const offsets = await admin.fetchTopicOffsets(topicName(trawl.topicPrefix, 'batchEvents'));
    return new Map(offsets.map((o) => [o.partition, o.high]));
  }

  /**
   * One batch, POST to its end, checked whole. Every site that answers is crawled; undisturbed,
   * exactly once. While a broker's loss is being repaired a command may be crawled again: a scrape
   * whose result could not be published (its partition had no leader yet) is retried whole, and a
   * dead group coordinator takes the offset commits made since it died with it, so those commands
   * are delivered again. Their results are duplicates the folds drop; the cost is load on the
   * sites. So with `repeatWindow` a repeat crawl is allowed only inside it (from the kill until
   * shortly after the cluster had recovered), and never more than MAX_CRAWLS in all.
   */
  async function runBatch(
    what: string,
    tag: string,
    options: {
      midway?: (batchId: string, before: Map<number, string>) => Promise<void>;
      repeatWindow?: () => Promise<{ from: number; to: number }>;
    } = {},
  ) {
    const domains = Array.from({ length: DOMAINS }, (_, i) =>
      i % DOWN_EVERY === DOWN_EVERY - 1 ? `${tag}${i}.down.fixture.test` : `${tag}--d150-${i}.slow.fixture.test`,
    );
    const okDomains = domains.filter((domain) => !domain.includes('.down.'));
    const before = await endOffsets();
    const started = Date.now();
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains,
      max_pages: 1,
      max_concurrent_jobs: 30,
    });
    expect(created.status).toBe(202);
    const batchId = created.body.batch_id;

    // Every change of the ended count, to find the longest time nothing ended (a stall).
    const changes: number[] = [started];
    let lastEnded = -1;
    const watch = async (): Promise<BatchDocument> => {
      const doc = await batchDocument(api, batchId);
      const ended = doc.completed_domains + doc.failed_domains;
      if (ended !== lastEnded) {
        lastEnded = ended;
        changes.push(Date.now());
      }
      return doc;
    };

    const { midway, repeatWindow } = options;
    if (midway) {
      await eventually(
        async () => {
          const doc = await watch();
          expect(doc.completed_domains + doc.failed_domains).toBeGreaterThanOrEqual(KILL_AFTER_ENDED);
          expect(doc.status).toBe('running');
        },
        { timeoutMs: 120_000, intervalMs: 100 },
      );
      await midway(batchId, before);
    }
    const doc = await eventually(
      async () => {
        const body = await watch().catch(() => {
          throw new Error('the status document did not answer');
        });
        expect(body.status).toBe('partial');
        return body;
      },
      { timeoutMs: 240_000, intervalMs: 100 },
    );
    const endedAt = Date.now();
    const seconds = (endedAt - started) / 1000;

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
    // Each crawl starts with one robots.txt.
    const crawlTimes = (domain: string) =>
      web.stats.log.filter((r) => r.host === domain.toLowerCase() && r.path === '/robots.txt').map((r) => r.at);
    const crawls = (domain: string) => crawlTimes(domain).length;
    expect(okDomains.filter((domain) => crawls(domain) < 1)).toEqual([]);
    const window = repeatWindow ? await repeatWindow() : undefined;
    const outOfPlace = okDomains.flatMap((domain) => {
      const [, ...repeats] = crawlTimes(domain).sort((x, y) => x - y);
      const misplaced = repeats.filter((at) => !window || at < window.from || at > window.to);
      return misplaced.length > 0 || repeats.length + 1 > MAX_CRAWLS
        ? [`${domain}: crawled ${repeats.length + 1} times, ${misplaced.length} outside the failover`]
        : [];
    });
    expect(outOfPlace).toEqual([]);
    const deadLetters = JSON.parse(await trawl.cli(['dlq', 'list', '--json', '--batch', batchId])) as unknown[];
    expect(deadLetters).toEqual([]);

    const gaps = changes.slice(1).map((at, i) => at - changes[i]!);
    runs.push({
      what,
      seconds,
      longestStallSeconds: Math.max(...gaps) / 1000,
      recrawled: okDomains.filter((domain) => crawls(domain) > 1).length,
      mostCrawls: Math.max(...okDomains.map(crawls)),
      endedAt,
      extraDeliveries: rows.reduce((sum, row) => sum + Math.max(0, row.deliveries - 1), 0),
    });
  }

  it('with three brokers, topics are replicated three ways and the batch ends exactly', async () => {
    const metadata = await admin.fetchTopicMetadata({ topics: topics() });
    for (const topic of metadata.topics) {
      for (const partition of topic.partitions) {
        expect({ topic: topic.name, replicas: partition.replicas.length, isr: partition.isr.length }).toEqual({
          topic: topic.name,
          replicas: 3,
          isr: 3,
        });
      }
    }
    const configs = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topics()[0]!, configNames: ['min.insync.replicas'] }],
      includeSynonyms: false,
    });
    expect(configs.resources[0]!.configEntries[0]!.configValue).toBe('2');
    await runBatch('no broker killed', 'blnone');
  });

  it('a broker killed with -9 mid-batch: every domain ends, counts exact, nothing dead-lettered; it rejoins', async () => {
    let victim: KafkaNode | undefined;
    let killedAt = 0;
    let recovered: Promise<number> | undefined;
    let submittedDuringFailover: Promise<string> | undefined;
    const midway = async (_batchId: string, before: Map<number, string>) => {
      const after = await endOffsets();
      const batchPartition = [...after].find(([partition, high]) => before.get(partition) !== high)?.[0];
      const candidates = await roles(await cluster.nodes(), batchPartition);
      const chosen = [...candidates].sort((a, b) => b.score - a.score || a.node.id - b.node.id)[0]!;
      const node = chosen.node;
      victim = node;
      expect(chosen.leads.length).toBeGreaterThan(0);
      figures.push(
        `killed node ${node.id}: ${[
          chosen.leadsBatch ? `leader of the batch's batch-events partition ${batchPartition}` : '',
          node.activeController ? 'active controller' : '',
          chosen.coordinates.length ? `coordinator of ${chosen.coordinates.join(', ')}` : '',
          `leader of ${chosen.leads.length} of ${3 * ROLES.length} Trawl partitions`,
        ]
          .filter(Boolean)
          .join('; ')}`,
      );
      killedAt = Date.now();
      await cluster.killNode(node);
      // A client submits another batch at once: the gateway answers 202 once Kafka acknowledged
      // it, or 503 ("outcome unknown") after TRAWL_PUBLISH_TIMEOUT_MS; a retry with the same
      // Idempotency-Key resolves to the same batch.
      submittedDuringFailover = (async () => {
        const posted = Date.now();
        const answers: number[] = [];
        for (;;) {
          const response = await api<{ batch_id: string }>(
            'POST',
            '/api/v1/batches',
            { domains: ['blpost--d150-0.slow.fixture.test'], max_pages: 1 },
            { 'idempotency-key': 'broker-loss-during-failover' },
          );
          answers.push(response.status);
          if (response.status === 202) {
            figures.push(
              `a POST right after the kill: ${answers.join(', then ')} (${((Date.now() - posted) / 1000).toFixed(1)} s to 202)`,
            );
            return response.body.batch_id;
          }
          expect(response.status).toBe(503);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      })();
      submittedDuringFailover.catch(() => undefined);
      // The cluster moves the dead broker's leaderships (partitions and group coordinators) to the
      // other two once its session has expired; measured while the batch goes on.
      recovered = eventually(
        async () => {
          const metadata = await admin.fetchTopicMetadata({ topics: [...topics(), '__consumer_offsets'] });
          const still = metadata.topics.flatMap((t) => t.partitions).filter((p) => p.leader === node.id);
          expect(still).toEqual([]);
          const at = Date.now();
          figures.push(`every partition had a new leader ${((at - killedAt) / 1000).toFixed(1)} s after the kill`);
          return at;
        },
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      recovered.catch(() => undefined);
    };
    await runBatch('one broker killed (-9)', 'blkill', {
      midway,
      repeatWindow: async () => ({ from: killedAt, to: (await recovered!) + SETTLE_MS }),
    });
    const ended = runs[runs.length - 1]!.endedAt;
    const extra = await submittedDuringFailover!;
    await eventually(async () => expect((await batchDocument(api, extra)).status).toBe('complete'), {
      timeoutMs: 60_000,
    });
    figures.push(`the batch ended ${((ended - killedAt) / 1000).toFixed(1)} s after the kill, with two brokers`);

    // Started again on its data, it catches up and is an in-sync replica of every partition again.
    const restarted = Date.now();
    await cluster.startMissing();
    expect((await cluster.nodes()).every((node) => node.pid !== null)).toBe(true);
    await eventually(
      async () => {
        const metadata = await admin.fetchTopicMetadata({ topics: topics() });
        const behind = metadata.topics
          .flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId, isr: p.isr })))
          .filter((p) => !p.isr.includes(victim!.id));
        expect(behind).toEqual([]);
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    figures.push(
      `node ${victim!.id} back in every ISR ${((Date.now() - restarted) / 1000).toFixed(1)} s after its restart`,
    );
  });
});

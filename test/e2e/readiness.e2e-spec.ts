import { eventually } from '../support/eventually';
import { KafkaCluster } from '../support/kafka-cluster';
import { stackEnv } from '../support/stack-env';
import { TcpProxy } from '../support/tcp-proxy';
import { type ServiceName, TrawlUnderTest } from '../support/trawl-services';

jest.setTimeout(120_000);

interface Readiness {
  status: string;
  checks: { name: string; ready: boolean; detail: string }[];
}

/** What a driver's error text looks like: addresses, ports, errno codes, pg and kafkajs phrases. */
const RAW_DRIVER_TEXT =
  /ECONN|ENOTFOUND|EPIPE|ETIMEDOUT|127\.0\.0\.1|:\d{4,5}\b|terminated|Connection error|KafkaJS|getaddrinfo|socket/i;

/**
 * Readiness follows Postgres away and back, in plain words. Postgres is taken away from these
 * services only, through a loopback proxy: the shared stack's Postgres keeps running.
 */
describe('readiness when Postgres goes away and comes back', () => {
  let trawl: TrawlUnderTest;
  let proxy: TcpProxy;
  const services: ServiceName[] = ['gateway', 'scheduler', 'aggregator'];

  beforeAll(async () => {
    const postgres = new URL(stackEnv().DATABASE_URL);
    proxy = await TcpProxy.start(postgres.hostname, Number(postgres.port || 5432));
    trawl = await TrawlUnderTest.start('readiness', { services: [] });
    for (const service of services) await trawl.launch(service, { DATABASE_URL: proxy.route(trawl.db.url) });
  });

  afterAll(async () => {
    await trawl?.stop();
    await proxy?.close();
  });

  const probe = async (service: ServiceName) => {
    const response = await fetch(`${trawl.processes.get(service)!.url}/health/ready`);
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as Readiness };
  };
  const readinessLines = (service: ServiceName, words: string) =>
    trawl
      .logs(service)
      .filter((line) => line.includes(words))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('answers 503 naming postgres, never the driver text, logs the error once, and is ready again after', async () => {
    for (const service of services) expect((await probe(service)).status).toBe(200);

    await proxy.close();
    const cutAt = Date.now();
    for (const service of services) {
      const down = await eventually(
        async () => {
          const answer = await probe(service);
          expect(answer.status).toBe(503);
          return answer;
        },
        { timeoutMs: 15_000, intervalMs: 200 },
      );
      expect(down.body.status).toBe('unavailable');
      expect(down.body.checks).toContainEqual({ name: 'postgres', ready: false, detail: 'unreachable' });
      expect(down.body.checks).toContainEqual({ name: 'kafka', ready: true, detail: 'ok' });
      expect(down.text).not.toMatch(RAW_DRIVER_TEXT);
    }
    // Bounded: every probe answers within the check's time limit (2 s), however the driver fails.
    expect(Date.now() - cutAt).toBeLessThan(15_000);
    for (let i = 0; i < 5; i += 1) {
      for (const service of services) {
        const again = await probe(service);
        expect(again.status).toBe(503);
        expect(again.text).not.toMatch(RAW_DRIVER_TEXT);
      }
    }
    // The raw error is in the log, once for the change rather than once per probe. A log line can
    // reach the process's output just after the answer it belongs to: wait for it.
    for (const service of services) {
      const lines = await eventually(() => {
        const found = readinessLines(service, 'readiness: postgres not ready');
        expect(found).toHaveLength(1);
        return found;
      });
      expect(lines[0]).toMatchObject({ level: 'warn', check: 'postgres', detail: 'unreachable' });
      expect(JSON.stringify(lines[0]!.err)).toMatch(/ECONNREFUSED|terminated|ECONNRESET/);
    }

    await proxy.reopen();
    for (const service of services) {
      await eventually(
        async () => {
          const answer = await probe(service);
          expect(answer.body.checks.filter((check) => !check.ready)).toEqual([]);
          expect(answer.status).toBe(200);
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      await eventually(() => expect(readinessLines(service, 'readiness: postgres ready again')).toHaveLength(1));
    }
  });
});

/**
 * Kafka dying after the services started makes them unready, in plain words, and its return makes
 * them ready again: readiness asks Kafka, rather than remembering that startup went well. The
 * broker is a one-node cluster of this spec's own (its own stack dir and ports).
 */
describe('readiness when Kafka dies after start and comes back', () => {
  let cluster: KafkaCluster;
  let trawl: TrawlUnderTest;
  // The gateway has no consumer: its readiness used to stay true with Kafka gone.
  const services: ServiceName[] = ['gateway', 'scraper'];

  beforeAll(async () => {
    cluster = await KafkaCluster.create('readiness-kafka', { brokers: 1 });
    await cluster.up();
    trawl = await TrawlUnderTest.start('readiness-kafka', { services, env: { KAFKA_BROKERS: cluster.brokers() } });
  }, 180_000);

  afterAll(async () => {
    await trawl?.stop();
    await cluster?.destroy();
  });

  const kafkaCheck = async (service: ServiceName) => {
    const response = await fetch(`${trawl.processes.get(service)!.url}/health/ready`);
    const body = (await response.json()) as Readiness;
    return { status: response.status, check: body.checks.find((check) => check.name === 'kafka')! };
  };

  it('is ready with Kafka, unready in plain words without it, ready again when it is back', async () => {
    for (const service of services) expect(await kafkaCheck(service)).toMatchObject({ status: 200 });
    const [node] = await cluster.nodes();
    await cluster.killNode(node!);
    for (const service of services) {
      const down = await eventually(
        async () => {
          const answer = await kafkaCheck(service);
          expect(answer.status).toBe(503);
          return answer;
        },
        { timeoutMs: 15_000, intervalMs: 250 },
      );
      expect(down.check.ready).toBe(false);
      expect(down.check.detail).toMatch(/^not answering|^no answer within/);
      expect(down.check.detail).not.toMatch(RAW_DRIVER_TEXT);
    }
    await cluster.startMissing();
    for (const service of services) {
      await eventually(async () => expect(await kafkaCheck(service)).toMatchObject({ status: 200 }), {
        timeoutMs: 60_000,
        intervalMs: 500,
      });
    }
  });
});

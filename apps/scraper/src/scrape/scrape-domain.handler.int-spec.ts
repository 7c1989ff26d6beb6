import { createMessage, type AnyMessage, type MessageOf } from '@trawl/contracts';
import { loadTrawlConfig } from '@trawl/config';
import { type MessagePublisher } from '@trawl/messaging';
import { createLogger } from '@trawl/telemetry';
import { fixtureHost, startFixtureWeb, type FixtureWeb } from '../../../../test/fixture-web/fixture-web.server';
import { stackEnv } from '../../../../test/support/stack-env';
import { parseResolveOverrides } from '../crawl';
import { ScrapeDomainHandler } from './scrape-domain.handler';

jest.setTimeout(30_000);

/** Stands in for Kafka at the handler's edge: keeps what was published; refuses the next result when told to. */
class RecordingPublisher {
  readonly sent: AnyMessage[] = [];
  private refuseResults = 0;

  refuseNextResults(count: number): void {
    this.refuseResults = count;
  }

  publish(messages: AnyMessage[]): Promise<void> {
    if (this.refuseResults > 0 && messages.some((m) => m.type === 'domain.scraped' || m.type === 'domain.failed')) {
      this.refuseResults -= 1;
      return Promise.reject(
        new Error('There is no leader for this topic-partition as we are in the middle of a leadership election'),
      );
    }
    this.sent.push(...messages);
    return Promise.resolve();
  }

  results(): AnyMessage[] {
    return this.sent.filter((m) => m.type === 'domain.scraped' || m.type === 'domain.failed');
  }
}

describe('the scrape handler when its result cannot be published at once', () => {
  let web: FixtureWeb;
  let publisher: RecordingPublisher;
  let handler: ScrapeDomainHandler;

  beforeAll(async () => {
    web = await startFixtureWeb({ hostIdleMs: 0 });
  });

  afterAll(async () => {
    await web?.close();
  });

  beforeEach(() => {
    publisher = new RecordingPublisher();
    const config = loadTrawlConfig({
      ...stackEnv(),
      TRAWL_RESOLVE: web.resolveSpec(),
      SCRAPER_POLITENESS_DELAY_MS: '0',
      SCRAPER_PARSE_THREADS: '1',
    });
    handler = new ScrapeDomainHandler(
      publisher as unknown as MessagePublisher,
      config,
      parseResolveOverrides(web.resolveSpec()),
      createLogger('scraper', 'silent'),
    );
  });

  afterEach(async () => {
    await handler.onModuleDestroy();
  });

  const command = (domain: string): MessageOf<'domain.scrape'> =>
    createMessage({
      type: 'domain.scrape',
      tenant: 't',
      batchId: '00000000-0000-4000-8000-0000000000cc',
      data: {
        domain,
        attempt: 1,
        dispatch_id: `x/${domain}/1`,
        max_pages: 5,
        dispatched_at: new Date().toISOString(),
        expires_at: new Date(Date.now() + 60_000).toISOString(),
      },
    });

  it('publishes the result it already has when the consumer retries, without crawling the site again', async () => {
    const domain = fixtureHost('ok', 'republish');
    const scrape = command(domain);
    publisher.refuseNextResults(2);
    await expect(handler.handle(scrape)).rejects.toThrow(/leadership election/);
    const crawled = web.stats.requestsFor(domain);
    expect(crawled).toBeGreaterThanOrEqual(5);
    await expect(handler.handle(scrape)).rejects.toThrow(/leadership election/);
    await handler.handle(scrape);
    expect(web.stats.requestsFor(domain)).toBe(crawled);
    expect(publisher.results().map((m) => m.type)).toEqual(['domain.scraped']);
    expect(publisher.sent.filter((m) => m.type === 'domain.started')).toHaveLength(1);
  });

  it('answers a command delivered again after its result went out (its offset commit was lost) with the same result', async () => {
    const domain = fixtureHost('ok', 'redelivered');
    const scrape = command(domain);
    await handler.handle(scrape);
    const crawled = web.stats.requestsFor(domain);
    await handler.handle(scrape);
    expect(web.stats.requestsFor(domain)).toBe(crawled);
    const results = publisher.results();
    expect(results).toHaveLength(2);
    // The same event: consumers that applied the first drop the second by its id.
    expect(results[1]!.id).toBe(results[0]!.id);
  });
});

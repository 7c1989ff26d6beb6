import { fixtureHost, startFixtureWeb, type FixtureWeb } from '../../../../../test/fixture-web/fixture-web.server';
import { Agent } from 'undici';
import { createGuardedConnector } from './guarded.connector';
import { crawlDomain, parseResolveOverrides, type CrawlOptions } from '../index';
import { crawlError, fixtureCrawlOptions } from '../testing/crawl-test-kit';
import { classifyError } from '../errors/error.classifier';

jest.setTimeout(30_000);

let fixture: FixtureWeb;

beforeAll(async () => {
  fixture = await startFixtureWeb({ hostIdleMs: 100 });
});
afterAll(async () => {
  await fixture.close();
});
afterEach(() => {
  expect(fixture.stats.leaks).toBe(0);
});

function options(overrides: Partial<CrawlOptions> = {}): CrawlOptions {
  return fixtureCrawlOptions(fixture.resolveSpec(), {
    maxPages: 10,
    pageTimeoutMs: 3_000,
    domainTimeoutMs: 10_000,
    ...overrides,
  });
}

describe('SSRF guard (the fixture itself is on loopback, reachable only through the override)', () => {
  it.each(['loopback', 'private', 'mapped', 'decimal', 'octal', 'ipv6', 'localhost', 'metadata'])(
    'blocks a start page redirecting to an internal address (%s)',
    async (target) => {
      const error = await crawlError(crawlDomain(fixtureHost('private-ip-redirect', `to-${target}`), options()));
      expect(error.errorClass).toBe('ssrf_blocked');
      expect(error.retryable).toBe(false);
      expect(error.pages[0]).toMatchObject({ status_code: 302, error: 'ssrf_blocked' });
    },
  );

  it('blocks a domain that is not in TRAWL_RESOLVE and resolves to loopback', async () => {
    const error = await crawlError(crawlDomain('localhost', options()));
    expect(error.errorClass).toBe('ssrf_blocked');
  });

  it('blocks IP-literal domains on loopback and private ranges', async () => {
    for (const domain of ['127.0.0.1', '10.1.2.3', '[::1]']) {
      const error = await crawlError(crawlDomain(domain, options()));
      expect(error.errorClass).toBe('ssrf_blocked');
    }
  });

  it('blocks a fixture host when the override is missing, and allows it with the override', async () => {
    const host = fixtureHost('ok', 'override');
    const without = await crawlError(crawlDomain(host, options({ resolver: parseResolveOverrides(undefined) })));
    expect(without.errorClass).not.toBe('ssrf_blocked'); // .test never resolves: a DNS failure
    const withOverride = await crawlDomain(host, options({ maxPages: 1 }));
    expect(withOverride.pages).toHaveLength(1);
  });

  it('the guarded connector refuses a direct request to http://127.0.0.1:<port>/', async () => {
    const agent = new Agent({
      connect: createGuardedConnector({
        resolver: parseResolveOverrides(fixture.resolveSpec()),
        connectTimeoutMs: 2_000,
      }),
    });
    try {
      const error: unknown = await agent.request({ origin: fixture.url, path: '/', method: 'GET' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(classifyError(error)).toBe('ssrf_blocked');
    } finally {
      await agent.destroy();
    }
  });

  it('an override for an exact name lets that name, and only that name, reach loopback', async () => {
    const resolver = parseResolveOverrides(`exact.ok.fixture.test=127.0.0.1:${fixture.port}`);
    const ok = await crawlDomain('exact.ok.fixture.test', options({ resolver, maxPages: 1 }));
    expect(ok.pages[0]!.error).toBeNull();
    const other = await crawlError(crawlDomain('other.ok.fixture.test', options({ resolver })));
    expect(other.errorClass).not.toBe('ssrf_blocked'); // DNS failure: .test does not resolve
    expect(fixture.stats.requestsFor('other.ok.fixture.test')).toBe(0);
  });
});

import {
  fixtureHost,
  LATIN1_TITLE,
  startFixtureWeb,
  type FixtureWeb,
} from '../../../../test/fixture-web/fixture-web.server';
import { crawlDomain, type CrawlOptions } from './index';
import { crawlError, fixtureCrawlOptions } from './testing/crawl-test-kit';

jest.setTimeout(30_000);

let fixture: FixtureWeb;

beforeAll(async () => {
  fixture = await startFixtureWeb({ hostIdleMs: 100 });
});
afterAll(async () => {
  await fixture.close();
});

function options(overrides: Partial<CrawlOptions> = {}): CrawlOptions {
  return fixtureCrawlOptions(fixture.resolveSpec(), {
    maxPages: 20,
    pageTimeoutMs: 5_000,
    domainTimeoutMs: 30_000,
    ...overrides,
  });
}

describe('hostile start pages', () => {
  it('a server dripping one byte per second hits the overall page deadline', async () => {
    const pageTimeoutMs = 1_500;
    const started = Date.now();
    const error = await crawlError(crawlDomain(fixtureHost('slow-drip', 'drip'), options({ pageTimeoutMs })));
    const elapsed = Date.now() - started;
    expect(error.errorClass).toBe('timeout');
    expect(error.retryable).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(pageTimeoutMs - 50);
    expect(elapsed).toBeLessThan(pageTimeoutMs + 1_000);
    expect(error.pages[0]).toMatchObject({ error: 'timeout', status_code: 200 });
  });

  it('a gzip bomb stops at the decoded-bytes cap', async () => {
    const maxPageBytes = 1024 * 1024;
    const before = process.memoryUsage().rss;
    const started = Date.now();
    const error = await crawlError(crawlDomain(fixtureHost('gzip-bomb', 'boom'), options({ maxPageBytes })));
    expect(error.errorClass).toBe('body_too_large');
    expect(error.retryable).toBe(false);
    expect(error.pages[0]).toMatchObject({ error: 'body_too_large', bytes: maxPageBytes });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('a 50 MiB body is refused at the cap', async () => {
    const error = await crawlError(crawlDomain(fixtureHost('huge', 'big-body'), options()));
    expect(error.errorClass).toBe('body_too_large');
  });

  it('a redirect loop -> too_many_redirects after 5 hops, not retryable', async () => {
    const host = fixtureHost('redirect-loop', 'loop');
    const error = await crawlError(crawlDomain(host, options()));
    expect(error.errorClass).toBe('too_many_redirects');
    expect(error.retryable).toBe(false);
    // robots.txt (404) + the start page + 5 followed redirects
    expect(fixture.stats.pathsFor(host).filter((path) => path !== '/robots.txt')).toHaveLength(6);
  });

  it('decodes a windows-1252 page declared in the Content-Type header', async () => {
    const result = await crawlDomain(fixtureHost('latin1', 'cafe'), options());
    expect(result.pages[0]).toMatchObject({ title: LATIN1_TITLE, language: 'de', h1: ['Grüße aus Köln'], error: null });
  });

  it('decodes a windows-1252 page declared only in <meta charset>', async () => {
    const result = await crawlDomain(fixtureHost('latin1', 'meta-cafe'), options());
    expect(result.pages[0]).toMatchObject({ title: LATIN1_TITLE, error: null });
  });

  it('a binary start page -> not_html, not retryable', async () => {
    const error = await crawlError(crawlDomain(fixtureHost('binary', 'pdf'), options()));
    expect(error.errorClass).toBe('not_html');
    expect(error.pages[0]).toMatchObject({ content_type: 'application/pdf', error: 'not_html' });
  });
});

describe('hostile pages after a good start page', () => {
  it('records each failure on its page and still succeeds', async () => {
    const host = fixtureHost('hostile', 'mixed');
    const result = await crawlDomain(host, options({ pageTimeoutMs: 1_200, maxPageBytes: 1024 * 1024 }));
    const byPath = new Map(result.pages.map((page) => [new URL(page.url).pathname + new URL(page.url).search, page]));
    expect(byPath.get('/')!.error).toBeNull();
    expect(byPath.get('/latin1')).toMatchObject({ error: null, title: LATIN1_TITLE });
    expect(byPath.get('/slow-drip')!.error).toBe('timeout');
    expect(byPath.get('/redirect-loop')!.error).toBe('too_many_redirects');
    expect(byPath.get('/private-ip-redirect')!.error).toBe('ssrf_blocked');
    expect(byPath.get('/private-ip-redirect?to=private')!.error).toBe('ssrf_blocked');
    expect(byPath.get('/gzip-bomb')!.error).toBe('body_too_large');
    expect(byPath.get('/huge')!.error).toBe('body_too_large');
    expect(byPath.get('/download')).toMatchObject({ error: 'not_html', content_type: 'application/pdf' });
    expect(byPath.has('/binary.pdf')).toBe(false); // skipped by extension, never fetched
    expect(fixture.stats.pathsFor(host)).not.toContain('/binary.pdf');
    expect(fixture.stats.leaks).toBe(0);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page, type Request } from 'playwright-core';
import { startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { eventually } from '../support/eventually';
import { stackEnv } from '../support/stack-env';
import { TrawlUnderTest } from '../support/trawl-services';

jest.setTimeout(90_000);

/** Debian's chromium unless TRAWL_CHROMIUM names another; never a browser download. */
const CHROMIUM = process.env.TRAWL_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'dashboard');
const JAEGER_UI = 'http://jaeger.example:16686';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/**
 * The dashboard served by the real gateway, driven in real headless Chromium, against the four
 * services on the real stack and fixture sites on loopback (TRAWL_RESOLVE; the SSRF guard stays on).
 */
describe('the web dashboard', () => {
  let web: FixtureWeb;
  let trawl: TrawlUnderTest;
  let key: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM} (TRAWL_CHROMIUM): install it with apt-get install -y chromium`);
    }
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    web = await startFixtureWeb({ hostIdleMs: 0 });
    trawl = await TrawlUnderTest.start('dashboard', {
      env: {
        TRAWL_RESOLVE: web.resolveSpec(),
        SCHEDULER_MAX_ATTEMPTS: '1',
        JAEGER_QUERY_URL: stackEnv().JAEGER_QUERY_URL,
        JAEGER_UI_URL: JAEGER_UI,
      },
    });
    key = await trawl.apiKey('dashboard');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    context = await browser.newContext({ viewport: { width: 1366, height: 800 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('request', (request: Request) =>
      requests.push(`${request.method()} ${new URL(request.url()).pathname}${new URL(request.url()).search}`),
    );
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await trawl?.stop();
    await web?.close();
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  /** Submits the form; the batch id from the acceptance notice. */
  async function submit(domains: string[], maxPages = 2, concurrency = 2): Promise<string> {
    await page.getByLabel('Domains (one a line)').fill(domains.join('\n'));
    await page.getByLabel('Max pages per domain (1–1000)').fill(String(maxPages));
    await page.getByLabel('Max concurrent jobs (1–100)').fill(String(concurrency));
    await page.getByRole('button', { name: 'Submit batch' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'accepted' });
    await notice.waitFor();
    return UUID.exec((await notice.textContent()) ?? '')![0];
  }

  const listRow = (batchId: string) => page.locator(`tr[data-batch="${batchId}"]`);

  it('serves the built page and its hashed assets with their content types and caching', async () => {
    const index = await fetch(`${trawl.gatewayUrl}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await index.text();
    const script = /src="(\/assets\/app-[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${trawl.gatewayUrl}${script}`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const again = await fetch(`${trawl.gatewayUrl}${script}`, {
      headers: { 'if-none-match': asset.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    expect((await fetch(`${trawl.gatewayUrl}/assets/nothing.js`)).status).toBe(404);
    const posted = await fetch(`${trawl.gatewayUrl}/`, { method: 'POST' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toContain('GET');
    expect((await fetch(`${trawl.gatewayUrl}/health/live`)).status).toBe(200);
  });

  it('refuses a wrong key with the 401 message, then signs in', async () => {
    await page.goto(trawl.gatewayUrl);
    await page.getByLabel('API key').fill('trawl_not_a_real_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The API key was refused' }).waitFor();
    await shot('01-wrong-key');
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Submit a batch' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('trawl.apiKey'))).toBe(key);
  });

  it("shows the API's validation errors beside the field", async () => {
    await page.getByLabel('Domains (one a line)').fill('va-a.ok.fixture.test');
    await page.getByLabel('Max pages per domain (1–1000)').fill('0');
    await page.getByRole('button', { name: 'Submit batch' }).click();
    await expectText(page.locator('#max_pages-error'), /max_pages/);
    expect(await page.getByLabel('Max pages per domain (1–1000)').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Domains (one a line)').fill('va-a.ok.fixture.test\nnot_a_domain!');
    await page.getByLabel('Max pages per domain (1–1000)').fill('2');
    await page.getByRole('button', { name: 'Submit batch' }).click();
    await expectText(page.locator('#domains-error'), /entry 2 \("not_a_domain!"\)/);
    expect(await page.locator('#max_pages-error').textContent()).toBe('');
    await shot('02-validation');
  });

  let completed: string;
  it('submits a batch and follows it to complete in the list, live over the event stream', async () => {
    const listReadsBefore = () => requests.filter((r) => r.startsWith('GET /api/v1/batches?')).length;
    const beforeSubmit = listReadsBefore();
    completed = await submit(['ui-a.ok.fixture.test', 'ui-b.ok.fixture.test', 'ui-c.ok.fixture.test']);
    // A submission reads the list once (it may go out just after the notice shows); none after that.
    await eventually(() => expect(listReadsBefore()).toBe(beforeSubmit + 1), { timeoutMs: 10_000, intervalMs: 50 });
    const reads = listReadsBefore();
    await listRow(completed).and(page.locator('[data-status="complete"]')).waitFor({ timeout: 45_000 });
    expect(await listRow(completed).locator('.progress-text').textContent()).toMatch(/^3\/3/);
    // The row reached complete through its event stream, not by reading the list again.
    expect(requests).toContain(`GET /api/v1/batches/${completed}/events`);
    expect(listReadsBefore()).toBe(reads);
    await shot('03-list-complete');
  });

  it("opens the batch, its domain table (filter, sort) and a domain's pages", async () => {
    await listRow(completed).getByRole('link').click();
    await expectText(page.getByTestId('batch-status'), /^complete$/);
    const rows = page.locator('table.domains tbody tr');
    await expectCount(rows, 3);
    await page.getByRole('button', { name: 'Domain' }).click();
    await page.getByRole('button', { name: 'Domain' }).click();
    expect(await rows.first().getAttribute('data-domain')).toBe('ui-c.ok.fixture.test');
    await page.getByLabel('Filter').fill('ui-b');
    await expectCount(rows, 1);
    await shot('04-batch-detail');
    await page.getByRole('link', { name: 'ui-b.ok.fixture.test' }).click();
    await page.getByRole('heading', { name: 'ui-b.ok.fixture.test' }).waitFor();
    await page.locator('table.pages tbody tr').first().waitFor();
    await expectText(page.locator('table.pages tbody tr').first(), /ui-b\.ok\.fixture\.test/);
    await shot('05-domain-pages');
    await page.getByRole('link', { name: '← Batch' }).click();
    await expectText(page.getByTestId('batch-status'), /^complete$/);
  });

  it('exports the batch as CSV with the key', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`trawl-batch-${completed}.csv`);
    const file = path.join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(file);
    const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^domain,status,/);
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 2).join(','))).toEqual([
      'ui-a.ok.fixture.test,succeeded',
      'ui-b.ok.fixture.test,succeeded',
      'ui-c.ok.fixture.test,succeeded',
    ]);
  });

  it("shows the batch's trace as a waterfall with a link to Jaeger", async () => {
    await page.getByRole('link', { name: 'Trace' }).click();
    const spans = page.locator('ol.waterfall li.span');
    const deadline = Date.now() + 30_000;
    // Spans reach Jaeger seconds after the work: the page says so (404) and offers to try again.
    while ((await spans.count()) === 0) {
      if (Date.now() > deadline) throw new Error(`no waterfall: ${await page.locator('main').textContent()}`);
      const retry = page.getByRole('button', { name: 'Try again' });
      if (await retry.isVisible()) await retry.click();
      await page.waitForTimeout(1000);
    }
    expect(await spans.filter({ hasText: 'trawl-gateway' }).count()).toBeGreaterThan(0);
    const jaeger = await page.getByRole('link', { name: 'Open in Jaeger' }).getAttribute('href');
    expect(jaeger).toMatch(new RegExp(`^${JAEGER_UI}/trace/[0-9a-f]{32}$`));
    await shot('06-trace');
  });

  it('cancels a running batch', async () => {
    await page.getByRole('link', { name: 'Batches', exact: true }).click();
    const slow = Array.from({ length: 6 }, (_, i) => `cx${i}--d2000.slow.fixture.test`);
    const batchId = await submit(slow, 3, 1);
    await listRow(batchId).getByRole('link').click();
    const cancel = page.getByRole('button', { name: 'Cancel batch' });
    await expectEnabled(cancel);
    await cancel.click();
    await page.getByRole('status').filter({ hasText: 'Cancel requested' }).waitFor();
    await expectText(page.getByTestId('batch-status'), /^cancelled$/, 45_000);
    await shot('07-cancelled');
  });

  it('retries the failed domains of a batch with a failing site', async () => {
    await page.getByRole('link', { name: 'Batches', exact: true }).click();
    const batchId = await submit(['rt-a.ok.fixture.test', 'rt-gone.down.fixture.test']);
    await listRow(batchId).and(page.locator('[data-status="partial"]')).waitFor({ timeout: 45_000 });
    await listRow(batchId).getByRole('link').click();
    await expectText(page.locator('table.domains tr[data-domain="rt-gone.down.fixture.test"]'), /failed/);
    await page.getByRole('button', { name: 'Retry failed' }).click();
    await page.getByRole('status').filter({ hasText: 'Retry round 1 started for 1 failed domains' }).waitFor();
    // The round runs and ends partial again (the site is still down), its domain tried twice.
    await expectText(page.locator('.facts'), /Retry rounds\s*1/);
    await expectText(page.getByTestId('batch-status'), /^partial$/, 45_000);
    await expectText(
      page.locator('table.domains tr[data-domain="rt-gone.down.fixture.test"] td').nth(3),
      /^2$/,
      15_000,
    );
    await shot('08-retried');
  });
});

/** Waits until the locator's text matches. */
async function expectText(locator: ReturnType<Page['locator']>, pattern: RegExp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = ((await locator.count()) > 0 ? await locator.first().textContent() : '') ?? '';
    if (pattern.test(text.trim())) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`expected text ${pattern} but it is "${text.trim().slice(0, 300)}"`);
}

async function expectCount(locator: ReturnType<Page['locator']>, count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await locator.count()) !== count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} elements, found ${await locator.count()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function expectEnabled(locator: ReturnType<Page['locator']>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await locator.isEnabled())) {
    if (Date.now() > deadline) throw new Error('expected the control to be enabled');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

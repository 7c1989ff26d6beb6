import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { fixtureHost, OK_SITE, startFixtureWeb, type FixtureWeb } from './fixture-web.server';
import { GZIP_BOMB_DECODED_BYTES } from './hostile.routes';

jest.setTimeout(30_000);

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw request to the fixture with a given Host header (what TRAWL_RESOLVE makes the crawler do). */
function get(fixture: FixtureWeb, host: string, path = '/', maxBytes = 1024 * 1024): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: fixture.port, path, headers: { host }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= maxBytes) res.destroy();
      });
      const done = (): void =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      res.on('end', done);
      res.on('close', done);
    });
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('fixture web server', () => {
  let fixture: FixtureWeb;

  beforeAll(async () => {
    fixture = await startFixtureWeb({ hostIdleMs: 100 });
  });
  afterAll(async () => {
    await fixture.close();
  });
  beforeEach(() => fixture.resetStats());

  it('describes itself', () => {
    expect(fixture.url).toBe(`http://127.0.0.1:${fixture.port}`);
    expect(fixture.resolveSpec()).toBe(`*.fixture.test=127.0.0.1:${fixture.port}`);
    expect(fixture.resolveSpec('web.test')).toBe(`*.web.test=127.0.0.1:${fixture.port}`);
  });

  it('serves the ok site, its robots.txt and sitemap by Host header', async () => {
    const host = fixtureHost('ok', 'a');
    for (const path of OK_SITE.paths) {
      const reply = await get(fixture, host, path);
      expect(reply.status).toBe(200);
      expect(reply.body.toString()).toContain(`<title>${OK_SITE.titles[path]}</title>`);
    }
    expect((await get(fixture, host, '/robots.txt')).body.toString()).toContain('Disallow: /private/');
    expect((await get(fixture, host, '/sitemap.xml')).body.toString()).toContain(`<loc>http://${host}/about</loc>`);
    expect((await get(fixture, host, '/nope')).status).toBe(404);
    expect(fixture.stats.requestsFor(host)).toBe(8);
    expect(fixture.stats.requests).toBe(8);
  });

  it('serves status kinds and resets connections for down sites', async () => {
    expect((await get(fixture, fixtureHost('500'), '/robots.txt')).status).toBe(500);
    expect((await get(fixture, fixtureHost('404'))).status).toBe(404);
    await expect(get(fixture, fixtureHost('down'))).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await get(fixture, fixtureHost('robots-deny'), '/robots.txt')).body.toString()).toBe(
      'User-agent: *\nDisallow: /\n',
    );
    const moved = await get(fixture, fixtureHost('to-www', 'm'), '/about?x=1');
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe(`http://www.${fixtureHost('to-www', 'm')}/about?x=1`);
  });

  it('delays responses by d<ms>', async () => {
    const started = Date.now();
    await get(fixture, fixtureHost('slow', 'd250-x'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('serves the hostile routes', async () => {
    const host = fixtureHost('hostile', '');
    expect((await get(fixture, host)).body.toString()).toContain('href="/gzip-bomb"');
    const loop = await get(fixture, host, '/redirect-loop?n=4');
    expect(loop.headers.location).toBe('/redirect-loop?n=5');
    expect((await get(fixture, host, '/private-ip-redirect')).headers.location).toBe(
      `http://127.0.0.1:${fixture.port}/`,
    );
    expect((await get(fixture, host, '/private-ip-redirect?to=private')).headers.location).toBe('http://10.0.0.1/');
    const bomb = await get(fixture, host, '/gzip-bomb');
    expect(bomb.headers['content-encoding']).toBe('gzip');
    expect(bomb.body.length).toBeLessThan(1024 * 1024);
    expect(gunzipSync(bomb.body).length).toBe(GZIP_BOMB_DECODED_BYTES);
    const huge = await get(fixture, host, '/huge', 256 * 1024);
    expect(huge.headers['content-length']).toBe(String(50 * 1024 * 1024));
    const latin1 = await get(fixture, host, '/latin1');
    expect(latin1.headers['content-type']).toBe('text/html; charset=windows-1252');
    expect(latin1.body.includes(Buffer.from([0x80]))).toBe(true);
    expect((await get(fixture, host, '/binary.pdf')).headers['content-type']).toBe('application/pdf');
  });

  it('drips one byte per second on /slow-drip', async () => {
    const reply = await new Promise<{ bytes: number }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: fixture.port, path: '/', headers: { host: fixtureHost('slow-drip') }, agent: false },
        (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          setTimeout(() => {
            res.destroy();
            resolve({ bytes });
          }, 2_300);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(reply.bytes).toBeGreaterThanOrEqual(2);
    expect(reply.bytes).toBeLessThanOrEqual(4);
  });

  it('counts IP-literal and localhost Hosts as SSRF leaks', async () => {
    const reply = await get(fixture, `127.0.0.1:${fixture.port}`);
    expect(reply.body.toString()).toContain('SSRF-LEAK');
    await get(fixture, 'localhost');
    expect(fixture.stats.leaks).toBe(2);
    expect((await get(fixture, 'unknown.example')).status).toBe(404);
    expect(fixture.stats.leaks).toBe(2);
  });

  describe('concurrency statistics', () => {
    it('counts distinct sites of a tag in flight at once', async () => {
      // Three sites of tag "c1" in parallel, each 3 sequential requests of 100 ms.
      const crawl = async (site: string): Promise<void> => {
        for (let i = 0; i < 3; i += 1) await get(fixture, site);
      };
      await Promise.all(['a', 'b', 'c'].map((name) => crawl(fixtureHost('slow', `c1--d100-${name}`))));
      expect(fixture.stats.maxConcurrentDomains('c1')).toBe(3);
      expect(fixture.stats.maxConcurrent).toMatchObject({ c1: 3 });
      expect(fixture.stats.maxConcurrentDomains('other')).toBe(0);
    });

    it('a sequential crawl of one site, www included, is one domain', async () => {
      const site = fixtureHost('ok', 'c2--solo');
      await get(fixture, site, '/robots.txt');
      await sleep(50); // a politeness pause shorter than hostIdleMs
      await get(fixture, site);
      await get(fixture, `www.${site}`);
      expect(fixture.stats.maxConcurrentDomains('c2')).toBe(1);
      expect(fixture.stats.inFlightDomains('c2')).toBe(1);
      await sleep(200);
      expect(fixture.stats.inFlightDomains('c2')).toBe(0);
    });

    it('sites one after another (gap > hostIdleMs) never overlap', async () => {
      for (const name of ['x', 'y', 'z']) {
        await get(fixture, fixtureHost('ok', `c3--${name}`));
        await sleep(200);
      }
      expect(fixture.stats.maxConcurrentDomains('c3')).toBe(1);
    });

    it('holds a site in flight for hostIdleMs after its last response', async () => {
      await get(fixture, fixtureHost('ok', 'c4--first'));
      await sleep(30);
      await get(fixture, fixtureHost('ok', 'c4--second'));
      expect(fixture.stats.maxConcurrentDomains('c4')).toBe(2);
    });

    it('releases a site whose connection was reset', async () => {
      await expect(get(fixture, fixtureHost('down', 'c5--gone'))).rejects.toBeDefined();
      expect(fixture.stats.maxConcurrentDomains('c5')).toBe(1);
      await sleep(200);
      expect(fixture.stats.inFlightDomains('c5')).toBe(0);
    });
  });

  it('closes with requests in flight', async () => {
    const other = await startFixtureWeb();
    const pending = get(other, fixtureHost('slow-drip')).catch(() => undefined);
    await sleep(100);
    await other.close();
    await pending;
  });
});

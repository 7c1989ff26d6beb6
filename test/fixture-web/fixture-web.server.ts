/**
 * Fixture web server: ONE node:http server on 127.0.0.1 serving many fake sites by Host header.
 * Point the crawler at it with TRAWL_RESOLVE=`fixture.resolveSpec()` ("*.fixture.test=127.0.0.1:PORT").
 *
 * Host names: [www.]<name>.<kind>.fixture.test   (scheme details in host-scheme.ts)
 *   <name>'s last label: [<tag>--]<token>[-<token>...]
 *     <tag>     groups hosts for the concurrency statistics (stats.maxConcurrentDomains(tag));
 *     d<ms>     delays every response of that host by <ms> (any kind; "slow" defaults to 1000 ms);
 *     n<count>  page count of a "big" site (default 50);
 *     loopback|private|mapped|decimal|octal|ipv6|localhost|metadata: target of private-ip-redirect;
 *     meta      for latin1: charset declared only in <meta charset>.
 *   e.g. "b3--d200-acme.slow.fixture.test": tag "b3", 200 ms per response.
 *
 * Kinds:
 *   ok             healthy 5-page site (/, /about, /contact, /products, /blog; see OK_SITE), robots.txt
 *                  allowing all but /private/ (linked, must not be fetched), sitemap.xml, emails,
 *                  phones, social links, WordPress generator, jQuery, X-Powered-By: PHP
 *   slow           the ok site with every response delayed (d<ms>, default 1000 ms)
 *   robots-deny    the ok site, robots.txt "User-agent: * / Disallow: /"
 *   to-www         bare host 301 -> http://www.<host>/..., the www host serves the ok site
 *   big            n<count> pages: / and /p/<i>, each linking to the next five; no robots.txt
 *   hostile        home page linking every hostile route (page-level failures in a crawl that succeeds)
 *   down           every connection is reset (RST) as soon as the request arrives
 *   500 / 404      every request (robots.txt included) answers that status
 *   cpu            <attack>.cpu.fixture.test: content that attacks the crawler's CPU or the stores'
 *                  idea of text (unclosed-loc, open-divs, robots-wildcards, ...; cpu-attack.sites.ts)
 *   slow-drip, redirect-loop, private-ip-redirect, gzip-bomb, huge, latin1, binary:
 *                  "/" IS that hostile route (start-page failures); robots.txt is 404
 * Hostile routes (/slow-drip, /redirect-loop, /private-ip-redirect[?to=], /gzip-bomb, /huge,
 * /latin1, /latin1-meta, /binary.pdf, /download; see hostile.routes.ts) exist on every content
 * site (ok, slow, robots-deny, to-www, big, hostile).
 * Any other Host: an IP literal or "localhost" gets a 200 "SSRF-LEAK" page and counts in
 * stats.leaks (a crawler reaching it has bypassed its SSRF guard); unknown names get 404.
 *
 * Concurrency statistics: for each request the server takes the site (host without "www.") and its
 * tag; stats.maxConcurrentDomains(tag) is the maximum number of distinct sites of that tag in flight
 * at once, a site being in flight from its first request until `hostIdleMs` (default 300 ms) after its
 * last response ended (see concurrency.tracker.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { ConcurrencyTracker } from './concurrency.tracker';
import { cpuAttackOf, cpuAttackPage } from './cpu-attack.sites';
import { hostFromHeader, parseFixtureHost, UNTAGGED, type FixtureHost } from './host-scheme';
import { HOSTILE_PATHS, serveHostile } from './hostile.routes';
import {
  bigSitePage,
  DENY_ALL_ROBOTS,
  hostileIndex,
  OK_SITE,
  okRobots,
  okSitePage,
  sitemapXml,
  type FixturePage,
} from './site-content';

export interface FixtureWebOptions {
  /** Port on 127.0.0.1 (default 0 = any free port). */
  port?: number;
  /** How long a site stays "in flight" after its last response ended (default 300 ms). */
  hostIdleMs?: number;
}

export interface FixtureRequestRecord {
  host: string;
  /** path + query */
  path: string;
  /** Date.now() when the request arrived */
  at: number;
}

export interface FixtureStats {
  /** Requests received since start/resetStats(). */
  readonly requests: number;
  /** Requests that reached the server under an IP literal / localhost Host (SSRF guard bypass). */
  readonly leaks: number;
  /** Maximum distinct sites in flight at once, by tag (untagged hosts under ""). */
  readonly maxConcurrent: Readonly<Record<string, number>>;
  maxConcurrentDomains(tag: string): number;
  /** Sites of the tag in flight right now. */
  inFlightDomains(tag: string): number;
  requestsFor(host: string): number;
  /** Paths (with query) requested on a host, in order. */
  pathsFor(host: string): string[];
  /** Every request (the last 100 000). */
  readonly log: ReadonlyArray<FixtureRequestRecord>;
}

export interface FixtureWeb {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** TRAWL_RESOLVE entry for the fixture: "*.<suffix>=127.0.0.1:<port>". */
  resolveSpec(suffix?: string): string;
  stats: FixtureStats;
  resetStats(): void;
  close(): Promise<void>;
}

const MAX_LOG = 100_000;
const CONTENT_KINDS = new Set(['ok', 'slow', 'robots-deny', 'to-www', 'big', 'hostile']);
const OK_LIKE_KINDS = new Set(['ok', 'slow', 'robots-deny', 'to-www']);
const SINGLE_ROUTE_KINDS: Readonly<Record<string, string>> = {
  'slow-drip': '/slow-drip',
  'redirect-loop': '/redirect-loop',
  'private-ip-redirect': '/private-ip-redirect',
  'gzip-bomb': '/gzip-bomb',
  huge: '/huge',
  latin1: '/latin1',
  binary: '/download',
};

function send(res: ServerResponse, page: FixturePage): void {
  const body = typeof page.body === 'string' ? Buffer.from(page.body, 'utf8') : page.body;
  res.writeHead(page.status, { ...page.headers, 'content-length': String(body.length) });
  res.end(body);
}

const html = (status: number, text: string): FixturePage => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body: `<!doctype html><html><head><title>${text}</title></head><body><h1>${text}</h1></body></html>`,
});
const plain = (text: string): FixturePage => ({
  status: 200,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: text,
});
const xml = (text: string): FixturePage => ({
  status: 200,
  headers: { 'content-type': 'application/xml; charset=utf-8' },
  body: text,
});

export async function startFixtureWeb(options: FixtureWebOptions = {}): Promise<FixtureWeb> {
  const tracker = new ConcurrencyTracker(options.hostIdleMs ?? 300);
  let requests = 0;
  let leaks = 0;
  const perHost = new Map<string, number>();
  const log: FixtureRequestRecord[] = [];
  let port = 0;

  const route = (site: FixtureHost, req: IncomingMessage, res: ServerResponse): void => {
    const rawPath = req.url ?? '/';
    const path = rawPath.split('?', 1)[0] ?? '/';
    if (site.kind === 'down') {
      req.socket.resetAndDestroy();
      return;
    }
    if (site.kind === '500' || site.kind === '404') {
      send(res, html(Number(site.kind), site.kind === '500' ? 'Internal Server Error' : 'Not Found'));
      return;
    }
    if (site.kind === 'cpu') {
      const attack = cpuAttackOf(site.tokens);
      send(res, attack ? cpuAttackPage(attack, site.host, path) : html(404, 'Unknown attack'));
      return;
    }
    const hostile = { port, defaultTarget: site.target };
    const single =
      site.kind === 'latin1' && site.tokens.includes('meta') ? '/latin1-meta' : SINGLE_ROUTE_KINDS[site.kind];
    if (single !== undefined) {
      if (path === '/' && serveHostile(single, req, res, hostile)) return;
      if ((HOSTILE_PATHS as readonly string[]).includes(path) && serveHostile(path, req, res, hostile)) return;
      send(res, html(404, 'Not Found'));
      return;
    }
    if (!CONTENT_KINDS.has(site.kind)) {
      send(res, html(404, 'Not Found'));
      return;
    }
    if (site.kind === 'to-www' && !site.www) {
      res.writeHead(301, { location: `http://www.${site.host}${rawPath}`, 'content-length': '0' });
      res.end();
      return;
    }
    if ((HOSTILE_PATHS as readonly string[]).includes(path) && serveHostile(path, req, res, hostile)) return;

    if (OK_LIKE_KINDS.has(site.kind)) {
      if (path === '/robots.txt') {
        send(res, plain(site.kind === 'robots-deny' ? DENY_ALL_ROBOTS : okRobots(site.host)));
        return;
      }
      if (path === '/sitemap.xml') {
        send(res, xml(sitemapXml(site.host, OK_SITE.paths)));
        return;
      }
      send(res, okSitePage(site.host, path) ?? html(404, 'Not Found'));
      return;
    }
    if (site.kind === 'big') {
      const index = path === '/' ? 0 : Number(/^\/p\/(\d+)$/.exec(path)?.[1] ?? NaN);
      if (Number.isInteger(index) && index >= 0 && index < site.pages) {
        send(res, { status: 200, headers: { 'content-type': 'text/html' }, body: bigSitePage(index, site.pages) });
      } else {
        send(res, html(404, 'Not Found'));
      }
      return;
    }
    // hostile
    send(
      res,
      path === '/'
        ? { status: 200, headers: { 'content-type': 'text/html' }, body: hostileIndex() }
        : html(404, 'Not Found'),
    );
  };

  const server = createServer((req, res) => {
    const host = hostFromHeader(req.headers.host);
    const site = parseFixtureHost(host);
    requests += 1;
    perHost.set(host, (perHost.get(host) ?? 0) + 1);
    if (log.length >= MAX_LOG) log.shift();
    log.push({ host, path: req.url ?? '/', at: Date.now() });

    const siteKey = site?.site ?? host;
    tracker.begin(siteKey, site?.tag ?? UNTAGGED);
    res.once('close', () => tracker.end(siteKey));
    req.resume(); // GETs have no body; never let one stall the socket

    if (!site) {
      const bare = host.startsWith('[') ? host.slice(1, -1) : host;
      if (isIP(bare) !== 0 || host === 'localhost' || host === '') {
        leaks += 1;
        send(res, html(200, 'SSRF-LEAK'));
      } else {
        send(res, html(404, 'Unknown fixture site'));
      }
      return;
    }
    if (site.delayMs > 0) {
      const timer = setTimeout(() => {
        if (!res.destroyed) route(site, req, res);
      }, site.delayMs);
      res.once('close', () => clearTimeout(timer));
      return;
    }
    route(site, req, res);
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  const stats: FixtureStats = {
    get requests() {
      return requests;
    },
    get leaks() {
      return leaks;
    },
    get maxConcurrent() {
      return tracker.maxima();
    },
    maxConcurrentDomains: (tag) => tracker.maxConcurrent(tag),
    inFlightDomains: (tag) => tracker.inFlight(tag),
    requestsFor: (host) => perHost.get(host.toLowerCase()) ?? 0,
    pathsFor: (host) => log.filter((entry) => entry.host === host.toLowerCase()).map((entry) => entry.path),
    get log() {
      return log;
    },
  };

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    resolveSpec: (suffix = 'fixture.test') => `*.${suffix}=127.0.0.1:${port}`,
    stats,
    resetStats: () => {
      requests = 0;
      leaks = 0;
      perHost.clear();
      log.length = 0;
      tracker.resetMaxima();
    },
    close: async () => {
      tracker.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export { fixtureHost, parseFixtureHost, UNTAGGED } from './host-scheme';
export { OK_SITE, LATIN1_TITLE } from './site-content';
export { GZIP_BOMB_DECODED_BYTES, HUGE_BYTES } from './hostile.routes';

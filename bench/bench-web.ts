/**
 * A deterministic "web" for the crawl benchmark: ONE node:http server on 127.0.0.1 serving `sites`
 * sites s<i>.bench.test by Host header. Point the crawler at it with TRAWL_RESOLVE=`web.resolveSpec()`.
 *
 * Each site: /robots.txt (a few rules, none that slow a crawl down, no Crawl-delay), /sitemap.xml
 * listing its pages, and `pagesPerSite` HTML pages (/ and /p/1 .. /p/<n-1>) of 20-60 KB each, with
 * every page linking to all the site's pages (so a crawl with max_pages = pagesPerSite finds them
 * all), social profile links, e-mail addresses, phone numbers, JSON-LD, headings and filler text.
 * Content comes from a seeded PRNG, so a seed always gives the same bytes; it is built once at start
 * and served from memory, so serving costs almost no CPU.
 *
 * Every response (404s too) is held for latencyMs ± jitter × latencyMs, uniform; the delays come
 * from a second PRNG stream of the same seed, so the sequence of delays is fixed, though which
 * request gets which delay depends on arrival order.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BenchWebOptions {
  sites?: number;
  pagesPerSite?: number;
  latencyMs?: number;
  /** Fraction of latencyMs the delay varies by, either way (0.5: 10-30 ms for 20 ms). */
  jitter?: number;
  seed?: number;
  /**
   * Sites with content of their own (default: all); site i serves the content of site
   * i % distinctSites, so tens of thousands of hosts cost the memory of a few hundred.
   */
  distinctSites?: number;
}

export interface BenchWebStats {
  /** Every request, robots.txt, sitemaps and 404s included. */
  readonly requests: number;
  /** HTML pages served with 200. */
  readonly pages: number;
  /** Body bytes sent. */
  readonly bytes: number;
  /** Mean number of requests open at once since the last reset (sampled every 10 ms). */
  readonly meanOpen: number;
  /**
   * Mean time from the end of a response to the next request to the same site: what the client
   * spends between two requests of a site (parsing, hand-offs, its own queues), as the web sees it.
   */
  readonly meanSiteGapMs: number;
}

export interface BenchWeb {
  port: number;
  /** TRAWL_RESOLVE entry: "*.bench.test=127.0.0.1:<port>". */
  resolveSpec(): string;
  hosts: string[];
  /** http://<host>/ and http://<host>/p/<i>, in that order. */
  pageUrls(host: string): string[];
  stats: BenchWebStats;
  resetStats(): void;
  close(): Promise<void>;
}

interface Response {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  page: boolean;
}

export const BENCH_SUFFIX = 'bench.test';
const MIN_PAGE_BYTES = 20 * 1024;
const MAX_PAGE_BYTES = 60 * 1024;

/** mulberry32: small, fast and good enough for picking sizes and words. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore ' +
  'magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo ' +
  'consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint ' +
  'occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum harbour freight ' +
  'logistics warehouse delivery service quality customer support product catalogue pricing quote order'
).split(' ');

const SOCIAL_PROFILES = [
  (name: string) => `https://twitter.com/${name}`,
  (name: string) => `https://github.com/${name}`,
  (name: string) => `https://www.linkedin.com/company/${name}/`,
  (name: string) => `https://www.facebook.com/${name}`,
  (name: string) => `https://www.instagram.com/${name}/`,
  (name: string) => `https://www.youtube.com/@${name}`,
];
const MAILBOXES = ['info', 'hello', 'sales', 'support', 'press', 'jobs'];
const PAGE_NAMES = ['Home', 'About', 'Services', 'Products', 'Pricing', 'Customers', 'Blog', 'Careers', 'Contact'];

function pagePath(index: number): string {
  return index === 0 ? '/' : `/p/${index}`;
}

function pageName(index: number): string {
  return PAGE_NAMES[index] ?? `Page ${index}`;
}

class SiteWriter {
  constructor(
    private readonly random: () => number,
    private readonly host: string,
    private readonly site: number,
    private readonly pages: number,
  ) {}

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private words(count: number): string {
    return Array.from({ length: count }, () => this.pick(WORDS)).join(' ');
  }

  private sentence(): string {
    const text = this.words(this.int(6, 16));
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  }

  private paragraph(): string {
    return Array.from({ length: this.int(3, 7) }, () => this.sentence()).join(' ');
  }

  get company(): string {
    return `Bench Site ${this.site}`;
  }

  private get handle(): string {
    return `benchsite${this.site}`;
  }

  robots(): string {
    return [
      'User-agent: *',
      'Disallow: /private/',
      'Disallow: /cgi-bin/',
      'Allow: /',
      '',
      'User-agent: BadBot',
      'Disallow: /',
      '',
      `Sitemap: http://${this.host}/sitemap.xml`,
      '',
    ].join('\n');
  }

  sitemap(): string {
    const urls = Array.from(
      { length: this.pages },
      (_, i) => `  <url><loc>http://${this.host}${pagePath(i)}</loc><lastmod>2026-01-15</lastmod></url>`,
    );
    return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
  }

  page(index: number): string {
    const targetBytes = this.int(MIN_PAGE_BYTES, MAX_PAGE_BYTES - 4 * 1024);
    const linkCount = this.int(10, 30);
    const socials = SOCIAL_PROFILES.slice(0, this.int(2, SOCIAL_PROFILES.length)).map((url) => url(this.handle));
    const emails = MAILBOXES.slice(0, this.int(1, 3)).map((box) => `${box}@benchsite${this.site}.co.uk`);
    // Fictional numbers from Ofcom's ranges for drama (London 020 7946 0xxx, Manchester 0161 496 0xxx).
    const phones = [`+44 20 7946 0${String(this.int(0, 999)).padStart(3, '0')}`];
    if (this.random() < 0.5) phones.push(`+44 161 496 0${String(this.int(0, 999)).padStart(3, '0')}`);

    const nav = Array.from({ length: this.pages }, (_, i) => `<a href="${pagePath(i)}">${pageName(i)}</a>`).join(
      '\n        ',
    );
    // Links beyond the navigation and the footer's profiles: in-text links to the site's pages.
    let inText = Math.max(0, linkCount - this.pages - socials.length);
    const title = `${pageName(index)} — ${this.company}`;
    const jsonLd = JSON.stringify({
      '@context': 'https://schema.org',
      '@type': 'Organization',
      name: this.company,
      url: `http://${this.host}/`,
      email: emails[0],
      telephone: phones[0],
      sameAs: socials,
      address: { '@type': 'PostalAddress', addressLocality: 'London', addressCountry: 'GB' },
    });
    const head = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${title}</title>
    <meta name="description" content="${this.company}: ${this.words(12)}.">
    <link rel="canonical" href="http://${this.host}${pagePath(index)}">
    <link rel="stylesheet" href="/assets/site.css">
    <script type="application/ld+json">${jsonLd}</script>
  </head>
  <body>
    <header>
      <nav>
        ${nav}
      </nav>
    </header>
    <main>
      <h1>${title}</h1>
`;
    const footer = `    </main>
    <footer>
      <p>Write to ${emails.join(', ')} or call ${phones.join(' or ')}.</p>
      <p>${socials.map((url) => `<a href="${url}">${new URL(url).hostname.replace(/^www\./, '')}</a>`).join(' | ')}</p>
      <p>&copy; 2026 ${this.company}. All rights reserved.</p>
    </footer>
  </body>
</html>
`;
    const sections: string[] = [];
    let bytes = Buffer.byteLength(head) + Buffer.byteLength(footer);
    while (bytes < targetBytes) {
      let text = this.paragraph();
      if (inText > 0) {
        const target = this.int(0, this.pages - 1);
        text += ` See <a href="${pagePath(target)}">${pageName(target).toLowerCase()}</a>.`;
        inText -= 1;
      }
      const section =
        sections.length % 4 === 0
          ? `      <h2>${this.sentence().slice(0, -1)}</h2>\n      <p>${text}</p>\n`
          : `      <p>${text}</p>\n`;
      sections.push(section);
      bytes += Buffer.byteLength(section);
    }
    return head + sections.join('') + footer;
  }
}

export async function startBenchWeb(options: BenchWebOptions = {}): Promise<BenchWeb> {
  const sites = options.sites ?? 200;
  const pagesPerSite = options.pagesPerSite ?? 10;
  const latencyMs = options.latencyMs ?? 20;
  const jitter = options.jitter ?? 0.5;
  const seed = options.seed ?? 12;
  const distinct = Math.max(1, Math.min(options.distinctSites ?? sites, sites));
  const contentRandom = prng(seed);
  const delayRandom = prng(seed ^ 0x5bd1e995);

  const hosts = Array.from({ length: sites }, (_, i) => `s${i}.${BENCH_SUFFIX}`);
  const responses = new Map<string, Response>();
  const text = (status: number, type: string, body: string, page = false): Response => ({
    status,
    headers: { 'content-type': `${type}; charset=utf-8` },
    body: Buffer.from(body, 'utf8'),
    page,
  });
  hosts.slice(0, distinct).forEach((host, site) => {
    const writer = new SiteWriter(contentRandom, host, site, pagesPerSite);
    responses.set(`${host}/robots.txt`, text(200, 'text/plain', writer.robots()));
    responses.set(`${host}/sitemap.xml`, text(200, 'application/xml', writer.sitemap()));
    for (let i = 0; i < pagesPerSite; i += 1) {
      responses.set(`${host}${pagePath(i)}`, text(200, 'text/html', writer.page(i), true));
    }
  });
  const notFound = text(
    404,
    'text/html',
    '<!doctype html><html lang="en"><head><title>Not Found</title></head><body><h1>Not Found</h1></body></html>',
  );

  let requests = 0;
  let pages = 0;
  let bytes = 0;
  let open = 0;
  let openSum = 0;
  let openSamples = 0;
  /** Per site, when its last response was sent. */
  const lastSent = new Map<string, number>();
  let gapSum = 0;
  let gaps = 0;
  const openSampler = setInterval(() => {
    openSum += open;
    openSamples += 1;
  }, 10);
  openSampler.unref();
  const send = (res: ServerResponse, response: Response): void => {
    if (res.destroyed) return;
    if (response.page) pages += 1;
    bytes += response.body.length;
    res.writeHead(response.status, { ...response.headers, 'content-length': String(response.body.length) });
    res.end(response.body);
  };

  const server = createServer((req, res) => {
    requests += 1;
    open += 1;
    res.once('close', () => (open -= 1));
    req.resume();
    let host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    const site = /^s(\d+)\./.exec(host);
    if (site && Number(site[1]) >= distinct) host = `s${Number(site[1]) % distinct}.${BENCH_SUFFIX}`;
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const response = responses.get(`${host}${path}`) ?? notFound;
    const arrived = performance.now();
    const siteHost = req.headers.host ?? '';
    const previous = lastSent.get(siteHost);
    if (previous !== undefined) {
      gapSum += arrived - previous;
      gaps += 1;
    }
    res.once('finish', () => lastSent.set(siteHost, performance.now()));
    const delay = latencyMs * (1 + jitter * (2 * delayRandom() - 1));
    const timer = setTimeout(() => send(res, response), Math.max(0, delay));
    res.once('close', () => clearTimeout(timer));
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    resolveSpec: () => `*.${BENCH_SUFFIX}=127.0.0.1:${port}`,
    hosts,
    pageUrls: (host) => Array.from({ length: pagesPerSite }, (_, i) => `http://${host}${pagePath(i)}`),
    stats: {
      get requests() {
        return requests;
      },
      get pages() {
        return pages;
      },
      get bytes() {
        return bytes;
      },
      get meanOpen() {
        return openSamples > 0 ? openSum / openSamples : 0;
      },
      get meanSiteGapMs() {
        return gaps > 0 ? gapSum / gaps : 0;
      },
    },
    resetStats: () => {
      requests = 0;
      pages = 0;
      bytes = 0;
      openSum = 0;
      openSamples = 0;
      lastSent.clear();
      gapSum = 0;
      gaps = 0;
    },
    close: async () => {
      clearInterval(openSampler);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

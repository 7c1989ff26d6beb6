import type { FixturePage } from './site-content';

/**
 * Sites whose content attacks the crawler's CPU or the stores' idea of text, one attack per site:
 *   <attack>.cpu.fixture.test
 * Every site answers robots.txt, sitemap.xml and "/" (the attack is in one of them, see below);
 * any other path is a small page, so a crawl that survives the attack goes on.
 *
 *   unclosed-loc      sitemap.xml: `<urlset><url><loc>` and then 1 MiB of text, never closed
 *   open-divs         "/": 200,000 `<div ` (1 MiB) without one closing `>`
 *   robots-wildcards  robots.txt: 2,000 long wildcard rules (~480 KiB); "/" links 200 same-site
 *                     URLs with 1,500-character paths
 *   text-bombs        "/": 1 MiB of near-misses for the e-mail and phone patterns in visible text
 *   deep-nesting      "/": 100,000 nested elements
 *   many-links        "/": 100,000 links
 *   long-attributes   "/": a 1 MiB href, a 1 MiB meta description, a 1 MiB class
 *   emoji-cut         "/": title, description and h1 of emoji longer than their caps (a cut through
 *                     a surrogate pair leaves a lone surrogate), NUL characters in the text
 * and one polite request rather than an attack:
 *   crawl-delay       robots.txt asks for `Crawl-delay: <CRAWL_DELAY_SECONDS>`; every page links onward
 */
export const CPU_ATTACKS = [
  'unclosed-loc',
  'open-divs',
  'robots-wildcards',
  'text-bombs',
  'deep-nesting',
  'many-links',
  'long-attributes',
  'emoji-cut',
  'crawl-delay',
] as const;
export type CpuAttack = (typeof CPU_ATTACKS)[number];

export const MIB = 1024 * 1024;
export const CRAWL_DELAY_SECONDS = 0.4;
export const EMOJI = '\u{1F600}';

const htmlPage = (body: string): FixturePage => ({
  status: 200,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body,
});
const textFile = (contentType: string, body: string): FixturePage => ({
  status: 200,
  headers: { 'content-type': `${contentType}; charset=utf-8` },
  body,
});
const notFound: FixturePage = htmlPage('<!doctype html><title>Not Found</title>');

const page = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><title>${title}</title></head><body>${body}</body></html>`;
const smallPage = (path: string): FixturePage =>
  htmlPage(page(`Page ${path.slice(0, 40)}`, `<h1>Plain page</h1><p>Contact: plain@attack.example.org</p>`));

/** The attack a host of kind "cpu" names: the end of its name's last label (after tag and tokens). */
export function cpuAttackOf(tokens: readonly string[]): CpuAttack | undefined {
  const name = tokens.join('-');
  return CPU_ATTACKS.find((attack) => name === attack || name.endsWith(`-${attack}`));
}

const cache = new Map<string, string>();
function once(key: string, build: () => string): string {
  let value = cache.get(key);
  if (value === undefined) {
    value = build();
    cache.set(key, value);
  }
  return value;
}

export function cpuAttackPage(attack: CpuAttack, host: string, path: string): FixturePage {
  if (path === '/robots.txt') {
    if (attack === 'robots-wildcards') return textFile('text/plain', once('robots', wildcardRobots));
    if (attack === 'crawl-delay') {
      return textFile('text/plain', `User-agent: *\nCrawl-delay: ${CRAWL_DELAY_SECONDS}\nAllow: /\n`);
    }
    return textFile('text/plain', `User-agent: *\nAllow: /\nSitemap: http://${host}/sitemap.xml\n`);
  }
  if (path === '/sitemap.xml') {
    if (attack !== 'unclosed-loc') return notFound;
    return textFile(
      'application/xml',
      `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://${host}/a${'x'.repeat(MIB)}`,
    );
  }
  if (attack === 'crawl-delay') {
    const n = Number(/^\/p\/(\d+)$/.exec(path)?.[1] ?? 0);
    return htmlPage(page(`Delayed ${n}`, `<a href="/p/${n + 1}">next</a>`));
  }
  if (path !== '/') return smallPage(path);
  switch (attack) {
    case 'unclosed-loc':
      return htmlPage(page('Unclosed loc', '<h1>Sitemap attack</h1><a href="/next">next</a>'));
    case 'open-divs':
      return htmlPage(
        once(
          'open-divs',
          () => `<!doctype html><html><head><title>Open divs</title></head><body>${'<div '.repeat(200_000)}`,
        ),
      );
    case 'robots-wildcards':
      return htmlPage(once('long-links', () => page('Long links', longLinks())));
    case 'text-bombs':
      return htmlPage(once('text-bombs', () => page('Text bombs', `<p>${textBombs()}</p>`)));
    case 'deep-nesting':
      return htmlPage(
        once('deep', () => page('Deep nesting', `${'<div>'.repeat(100_000)}deep${'</div>'.repeat(100_000)}`)),
      );
    case 'many-links':
      return htmlPage(
        once('links', () =>
          page('Many links', Array.from({ length: 100_000 }, (_, i) => `<a href="/l/${i}">${i}</a>`).join('')),
        ),
      );
    case 'long-attributes':
      return htmlPage(
        once(
          'attrs',
          () =>
            `<!doctype html><html><head><title>Long attributes</title><meta name="description" content="${'d'.repeat(MIB)}"></head>` +
            `<body class="${'c '.repeat(MIB / 2)}"><h1>Long attributes</h1><a href="/${'a'.repeat(MIB)}">long</a><a href="/next">next</a></body></html>`,
        ),
      );
    case 'emoji-cut':
      return htmlPage(emojiPage());
  }
}

/** 2,000 rules, each with many wildcards and no chance to match a path without "b". */
function wildcardRobots(): string {
  const lines = ['User-agent: *'];
  for (let i = 0; i < 2_000; i += 1) lines.push(`Disallow: /${'*a'.repeat(110)}*b${i}`);
  return `${lines.join('\n')}\n`;
}

function longLinks(): string {
  return Array.from({ length: 200 }, (_, i) => `<a href="/${'a'.repeat(1_500)}${i}">long ${i}</a>`).join('\n');
}

/** Near-misses: local parts without a domain, dotted runs without a TLD, digit runs with separators. */
function textBombs(): string {
  const third = Math.floor(MIB / 3);
  return [
    `${'a'.repeat(60)}@`.repeat(Math.floor(third / 61)),
    'a.'.repeat(Math.floor(third / 2)),
    '+1 2 '.repeat(Math.floor(third / 5)),
  ].join(' ');
}

export const EMOJI_TITLE = EMOJI.repeat(600);
function emojiPage(): string {
  return (
    `<!doctype html><html lang="en"><head><title>${EMOJI_TITLE}</title>` +
    `<meta name="description" content="${EMOJI.repeat(1_200)}"></head><body>` +
    `<h1>x${EMOJI.repeat(400)}</h1><h1>nul\u0000inside</h1><p>Write to emoji@attack.example.org\u0000</p>` +
    `<a href="/next">next</a></body></html>`
  );
}

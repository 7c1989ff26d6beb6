import {
  bigSitePage,
  hostileIndex,
  LATIN1_TITLE,
  latin1Page,
  OK_SITE,
  okSitePage,
} from '../../../../../test/fixture-web/site-content';
import { DomainExtractionAccumulator } from './domain-extraction.accumulator';
import { extractPage, MAX_H1, MAX_H2, MAX_LINKS, type PageExtraction } from './page.extractor';
import { PATHOLOGICAL_BUDGET_MS, timed } from './testing/timed';

const page = `<!doctype html>
<html lang="en-GB">
<head>
  <title>  Acme
     Widgets  </title>
  <META NAME="Description" CONTENT=" Widgets for everyone. ">
  <meta property="og:description" content="OG text">
  <meta name="generator" content="WordPress 6.5">
  <link rel="alternate canonical" href="/canonical-page?x=1#frag">
  <script src="/wp-includes/js/jquery/jquery.min.js"></script>
  <script>var e = "hidden@script.io"; var p = "+1 555 0100 9999";</script>
  <style>.a{content:"style@css.io"}</style>
</head>
<body>
  <h1>Welcome</h1><h1> to   Acme </h1><h1></h1>
  <h2>Our <em>products</em></h2>
  <a href="/about">About</a>
  <a href="/about#team">Team</a>
  <a href="https://twitter.com/acme">Twitter</a>
  <a href="https://other.test/x">Other</a>
  <a href="mailto:Sales@Acme.io">Mail</a>
  <a href="tel:+44 20 7946 0958">Call</a>
  <a href="javascript:void(0)">JS</a>
  <a href="ftp://files.acme.io/">FTP</a>
  <area href="/map-area">
  <p>Reach info@acme.io, or call +1 (555) 010-0199.</p>
  <noscript>noscript@acme.io</noscript>
  <template><p>template@acme.io</p></template>
  <svg><text>svg@acme.io</text></svg>
</body>
</html>`;

function expectWellFormed(extraction: PageExtraction): void {
  const strings = [
    extraction.title,
    extraction.description,
    extraction.language,
    extraction.canonical_url,
    ...extraction.h1,
    ...extraction.h2,
    ...extraction.links,
    ...extraction.emails,
    ...extraction.phones,
    ...extraction.socials.map((social) => social.url),
    ...extraction.technologies,
  ].filter((value): value is string => value !== null);
  for (const value of strings) {
    expect(value.isWellFormed()).toBe(true);
    expect(value).not.toContain('\u0000');
  }
  expect(JSON.parse(JSON.stringify(extraction))).toEqual(extraction);
}

describe('extractPage on a page with head, links, contacts and scripts', () => {
  const result = extractPage(page, 'http://acme.io/dir/', { 'x-powered-by': 'PHP/8.2' });

  it('reads title, description, language, canonical URL and headings', () => {
    expect(result.title).toBe('Acme Widgets');
    expect(result.description).toBe('Widgets for everyone.');
    expect(result.language).toBe('en-GB');
    expect(result.canonical_url).toBe('http://acme.io/canonical-page?x=1');
    expect(result.h1).toEqual(['Welcome', 'to Acme']);
    expect(result.h2).toEqual(['Our products']);
  });

  it('collects distinct crawlable links, resolved and normalised', () => {
    expect(result.links).toEqual([
      'http://acme.io/about',
      'https://twitter.com/acme',
      'https://other.test/x',
      'http://acme.io/map-area',
    ]);
  });

  it('takes contacts from links and visible text, never from script, style, noscript, template or svg', () => {
    expect(result.emails).toEqual(['sales@acme.io', 'info@acme.io']);
    expect(result.phones).toEqual(['+442079460958', '+15550100199']);
    expect(result.socials).toEqual([{ platform: 'twitter', url: 'https://twitter.com/acme' }]);
  });

  it('names technologies from the generator, asset URLs and headers', () => {
    expect(result.technologies).toEqual(['WordPress', 'jQuery', 'PHP']);
  });
});

describe('extractPage on unusual markup', () => {
  it('falls back to og:description, honours <base href> and caps h1 and h2', () => {
    const html = `<html><head><base href="https://cdn.acme.io/base/"><meta property="og:description" content="From OG"></head>
      <body>${'<h1>x</h1>'.repeat(15)}${'<h2>y</h2>'.repeat(15)}<a href="rel">r</a></body></html>`;
    const other = extractPage(html, 'http://acme.io/');
    expect(other.description).toBe('From OG');
    expect(other.links).toEqual(['https://cdn.acme.io/base/rel']);
    expect(other.h1).toHaveLength(MAX_H1);
    expect(other.h2).toHaveLength(MAX_H2);
    expect(other.title).toBeNull();
    expect(other.language).toBeNull();
    expect(other.canonical_url).toBeNull();
  });

  it('resolves links before a late <base href> against that base, as the DOM would', () => {
    const html = '<a href="early">e</a><base href="https://cdn.acme.io/b/"><a href="late">l</a>';
    expect(extractPage(html, 'http://acme.io/').links).toEqual([
      'https://cdn.acme.io/b/early',
      'https://cdn.acme.io/b/late',
    ]);
  });

  it('ignores a base that is not http(s)', () => {
    expect(extractPage('<base href="javascript:x"><a href="/a">a</a>', 'http://acme.io/').links).toEqual([
      'http://acme.io/a',
    ]);
  });

  it('takes the language from content-language when html has no lang', () => {
    const html = '<meta http-equiv="Content-Language" content="de-AT"><p>x</p>';
    expect(extractPage(html, 'http://acme.io/').language).toBe('de-AT');
  });

  it('skips a canonical link that does not resolve and takes the next', () => {
    const html = '<link rel="canonical" href="http://[bad"><link rel="canonical" href="/good">';
    expect(extractPage(html, 'http://acme.io/').canonical_url).toBe('http://acme.io/good');
  });

  it('reads the first title outside svg', () => {
    const html = '<svg><title>Icon</title></svg><title>Real &amp; true</title><title>Second</title>';
    expect(extractPage(html, 'http://acme.io/').title).toBe('Real & true');
  });

  it('detects markup markers from attributes wherever they are', () => {
    const html = '<div id="__next"><main data-reactroot=""></main></div><app-root ng-version="17.0.0"></app-root>';
    expect(extractPage(html, 'http://acme.io/').technologies).toEqual(['Next.js', 'React', 'Angular']);
  });

  it('does not take a marker mentioned in text or in another attribute for markup', () => {
    const html = '<p>data-reactroot and id="__next"</p><span id="__next"></span><div class="__nuxt"></div>';
    expect(extractPage(html, 'http://acme.io/').technologies).toEqual([]);
  });

  it('finds an address written with an entity for @', () => {
    expect(extractPage('<p>jane&#64;acme&#46;io</p>', 'http://acme.io/').emails).toEqual(['jane@acme.io']);
  });

  it('finds obfuscated addresses in visible text', () => {
    const html = '<p>Write to jane [at] acme [dot] io or to sales (at) acme (dot) co (dot) uk.</p>';
    expect(extractPage(html, 'http://acme.io/').emails).toEqual(['jane@acme.io', 'sales@acme.co.uk']);
  });

  it('keeps words of neighbouring blocks apart', () => {
    const html = '<table><tr><td>Call</td><td>+44 20 7946 0958</td></tr></table><p>mail</p><p>x@acme.io</p>';
    const result = extractPage(html, 'http://acme.io/');
    expect(result.phones).toEqual(['+442079460958']);
    expect(result.emails).toEqual(['x@acme.io']);
  });

  it('reads national numbers only when the page names its country', () => {
    const html = (lang: string): string => `<html lang="${lang}"><p>Call (212) 555-0142</p><a href="tel:212-555-0143">`;
    expect(extractPage(html('en'), 'http://acme.com/').phones).toEqual([]);
    expect(extractPage(html('en-US'), 'http://acme.com/').phones).toEqual(['+12125550143', '+12125550142']);
    expect(extractPage('<p>Tel. 030 1234567</p>', 'http://acme.de/').phones).toEqual(['+49301234567']);
  });

  it('survives garbage', () => {
    const garbage = extractPage('\u0000<<<>>><a href="http://[bad">x</a><title>t', 'http://acme.io/');
    expect(garbage.links).toEqual([]);
    expect(garbage.title).toBe('t');
  });
});

describe('extractPage output is well-formed text', () => {
  const emoji = '\u{1F600}';

  it('cuts title, description and headings of emoji on a code point, and drops NUL', () => {
    const html =
      `<html lang="en"><head><title>${emoji.repeat(600)}</title>` +
      `<meta name="description" content="${emoji.repeat(1200)}"></head><body>` +
      `<h1>x${emoji.repeat(400)}</h1><h1>nul\u0000inside</h1><h2>y${emoji.repeat(400)}</h2>` +
      `<p>Write to emoji@attack.example.org\u0000</p></body></html>`;
    const result = extractPage(html, 'http://acme.io/');
    expect(result.title).toBe(emoji.repeat(250));
    expect(result.description).toBe(emoji.repeat(500));
    expect(result.h1).toEqual([`x${emoji.repeat(149)}`, 'nulinside']);
    expect(result.h2).toEqual([`y${emoji.repeat(149)}`]);
    expect(result.emails).toEqual(['emoji@attack.example.org']);
    expectWellFormed(result);
  });

  it('removes NUL from the title and lone surrogates from every field', () => {
    const html = `<title>a\u0000b</title><meta name="description" content="d\ud800e"><h1>h\udc00</h1><html lang="e\u0000n">`;
    const result = extractPage(html, 'http://acme.io/');
    expect(result.title).toBe('ab');
    expect(result.description).toBe('de');
    expect(result.h1).toEqual(['h']);
    expect(result.language).toBe('en');
    expectWellFormed(result);
  });

  it('names a generator of emoji without splitting a pair', () => {
    const result = extractPage(`<meta name="generator" content="${emoji.repeat(100)}">`, 'http://acme.io/');
    expect(result.technologies).toEqual([emoji.repeat(30)]);
    expectWellFormed(result);
  });
});

describe('extractPage on the fixture web', () => {
  const host = 'healthy.ok.fixture.test';
  const extractions = OK_SITE.paths.map((path) => {
    const fixture = okSitePage(host, path)!;
    return { path, extraction: extractPage(String(fixture.body), `http://${host}${path}`, fixture.headers) };
  });

  it.each(OK_SITE.paths)('reads title, description, language and canonical URL of %s', (path) => {
    const { extraction } = extractions.find((entry) => entry.path === path)!;
    expect(extraction.title).toBe(OK_SITE.titles[path]);
    expect(extraction.description).toBe(OK_SITE.descriptions[path]);
    expect(extraction.language).toBe('en');
    expect(extraction.canonical_url).toBe(`http://${host}${path}`);
    expectWellFormed(extraction);
  });

  it('reads the headings and the links of the home page', () => {
    const home = extractions[0]!.extraction;
    expect(home.h1).toEqual(['Welcome to Acme Fixture Co']);
    expect(extractions.find((entry) => entry.path === '/about')!.extraction.h1).toEqual(['About us', 'Our team']);
    expect(home.links).toEqual(
      expect.arrayContaining([
        `http://${host}/`,
        `http://${host}/about`,
        `http://${host}/contact`,
        `http://${host}/products`,
        `http://${host}/blog`,
        `http://${host}${OK_SITE.disallowedPath}`,
        `http://${host}/files/brochure.pdf`,
      ]),
    );
    expect(home.links.length).toBeGreaterThanOrEqual(10);
  });

  it('extracts the ground truth of the site once the pages are merged in crawl order', () => {
    const domain = new DomainExtractionAccumulator();
    for (const { extraction } of extractions) domain.add(extraction);
    const merged = domain.result();
    expect([...merged.emails].sort()).toEqual([...OK_SITE.emails].sort());
    expect(merged.phones).toEqual([...OK_SITE.phones]);
    expect(merged.socials).toEqual(expect.arrayContaining([...OK_SITE.socials]));
    expect(merged.socials).toHaveLength(OK_SITE.socials.length);
    expect(merged.technologies).toEqual(expect.arrayContaining([...OK_SITE.technologies]));
  });

  it('reads the pages of the big and hostile sites', () => {
    const big = extractPage(bigSitePage(3, 40), 'http://n40.big.fixture.test/p/3');
    expect(big.title).toBe('Page 3');
    expect(big.h1).toEqual(['Page 3']);
    expect(big.links).toEqual([4, 5, 6, 7, 8].map((next) => `http://n40.big.fixture.test/p/${next}`));
    expect(extractPage(hostileIndex(), 'http://h.hostile.fixture.test/').links).toHaveLength(9);
  });

  it('reads the windows-1252 page once decoded', () => {
    const html = new TextDecoder('windows-1252').decode(latin1Page('meta').body as Buffer);
    const result = extractPage(html, 'http://latin1.hostile.fixture.test/');
    expect(result).toMatchObject({ title: LATIN1_TITLE, language: 'de', h1: ['Grüße aus Köln'] });
  });
});

describe('extractPage on pathological pages of a megabyte or more', () => {
  const MIB = 1024 * 1024;

  it.each([
    ['200,000 "<div " without a closing ">"', `<title>Open</title><body>${'<div '.repeat(200_000)}`],
    ['200,000 unclosed <div>', `<title>Deep</title>${'<div>'.repeat(200_000)}deep`],
    ['150,000 <div> then 150,000 unmatched </span>', `${'<div>'.repeat(150_000)}${'</span>'.repeat(150_000)}`],
    ['100,000 nested elements', `${'<div>'.repeat(100_000)}deep${'</div>'.repeat(100_000)}`],
    ['a 1 MiB attribute', `<body class="${'c '.repeat(MIB / 2)}"><a href="/next">n</a>`],
    ['1 MiB of "<"', '<'.repeat(MIB)],
    ['1 MiB of "&"', `<p>${'&'.repeat(MIB)}</p>`],
    ['300,000 attributes on one tag', `<a ${'x=1 '.repeat(300_000)}>`],
    ['100,000 unclosed <h1>', '<h1>x'.repeat(100_000)],
    ['an unclosed title of 1 MiB', `<title>${' '.repeat(MIB)}x`],
    ['1 MiB of near-miss e-mails', `<p>${`${'a'.repeat(60)}@`.repeat(MIB / 61)}</p>`],
    ['1 MiB of near-miss phone numbers', `<p>${'+1 2 '.repeat(MIB / 5)}</p>`],
    ['1.2 MB of "1 "', `<p>${'1 '.repeat(600_000)}</p>`],
    ['1 MiB of obfuscation near-misses', `<p>${'a [at] b [dot] '.repeat(MIB / 15)}</p>`],
  ])('finishes in time on %s', (_name, html) => {
    const { result, ms } = timed(() => extractPage(html, 'http://acme.de/'));
    expect(ms).toBeLessThan(PATHOLOGICAL_BUDGET_MS);
    expectWellFormed(result);
  });

  it('keeps at most MAX_LINKS of 100,000 links, and drops a 1 MiB href', () => {
    const html = `${Array.from({ length: 100_000 }, (_, i) => `<a href="/l/${i}">${i}</a>`).join('')}`;
    const { result, ms } = timed(() => extractPage(html, 'http://acme.io/'));
    expect(ms).toBeLessThan(PATHOLOGICAL_BUDGET_MS);
    expect(result.links.length).toBeLessThanOrEqual(MAX_LINKS);
    expect(result.links[0]).toBe('http://acme.io/l/0');
    const long = extractPage(`<a href="/${'a'.repeat(MIB)}">x</a><a href="/next">n</a>`, 'http://acme.io/');
    expect(long.links).toEqual(['http://acme.io/next']);
  });

  it('cuts a 1 MiB description to its cap', () => {
    const result = extractPage(`<meta name="description" content="${'d'.repeat(MIB)}">`, 'http://acme.io/');
    expect(result.description).toBe('d'.repeat(1000));
  });
});

import { parseSitemap, SITEMAP_MAX_LOC_LENGTH, SITEMAP_MAX_LOCATIONS } from './sitemap.parser';

const MIB = 1024 * 1024;
const urlset = (...locs: string[]): string =>
  `<urlset>${locs.map((loc) => `<url><loc>${loc}</loc></url>`).join('')}</urlset>`;

describe('parseSitemap', () => {
  it('reads the <loc> of a urlset', () => {
    const xml = `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc> https://a.test/one </loc><lastmod>2024-01-01</lastmod></url>
      <url><loc>https://a.test/two?x=1&amp;y=2</loc></url>
      <url><loc><![CDATA[https://a.test/three]]></loc></url>
    </urlset>`;
    expect(parseSitemap(xml, 100)).toEqual({
      kind: 'urlset',
      locations: ['https://a.test/one', 'https://a.test/two?x=1&y=2', 'https://a.test/three'],
    });
  });

  it('recognises a sitemap index and namespace prefixes', () => {
    const xml = `<s:sitemapindex xmlns:s="x"><s:sitemap><s:loc>https://a.test/s1.xml</s:loc></s:sitemap></s:sitemapindex>`;
    expect(parseSitemap(xml, 100)).toEqual({ kind: 'index', locations: ['https://a.test/s1.xml'] });
  });

  it('decodes XML entities, numeric references included', () => {
    expect(parseSitemap(urlset('https://a.test/?a=1&amp;b=&lt;&#x41;&#66;&gt;'), 10).locations).toEqual([
      'https://a.test/?a=1&b=<AB>',
    ]);
  });

  it('reads only the <loc> of an entry, not those of extensions such as image:loc', () => {
    const xml = `<urlset><url><loc>https://a.test/page</loc><image:image><image:loc>https://a.test/i.jpg</image:loc></image:image></url><loc>https://a.test/stray</loc></urlset>`;
    expect(parseSitemap(xml, 10).locations).toEqual(['https://a.test/page']);
  });

  it('reads nothing from a document that is not a sitemap', () => {
    expect(parseSitemap('<html><url><loc>https://a.test/</loc></url></html>', 10)).toEqual({
      kind: 'urlset',
      locations: [],
    });
  });

  it('caps the number of locations', () => {
    const xml = urlset(...Array.from({ length: 50 }, (_, i) => `https://a.test/${i}`));
    expect(parseSitemap(xml, 10).locations).toHaveLength(10);
    expect(parseSitemap(xml, 0).locations).toEqual([]);
    const many = urlset(...Array.from({ length: SITEMAP_MAX_LOCATIONS + 1 }, () => 'https://a.test/'));
    expect(parseSitemap(many, Infinity).locations).toHaveLength(SITEMAP_MAX_LOCATIONS);
  });

  it(`drops a <loc> longer than ${SITEMAP_MAX_LOC_LENGTH} characters rather than cutting it`, () => {
    const longest = `https://a.test/${'x'.repeat(SITEMAP_MAX_LOC_LENGTH - 15)}`;
    const xml = urlset(
      longest,
      `${longest}y`,
      `https://a.test/&amp;${'x'.repeat(SITEMAP_MAX_LOC_LENGTH)}`,
      'https://a.test/ok',
    );
    expect(parseSitemap(xml, 10).locations).toEqual([longest, 'https://a.test/ok']);
  });

  it('drops an unclosed <loc> and removes NUL characters and lone surrogates', () => {
    expect(parseSitemap('<urlset><url><loc>https://a.test/open', 10).locations).toEqual([]);
    expect(parseSitemap(urlset('https://a.test/\u0000a\ud800b'), 10).locations).toEqual(['https://a.test/ab']);
  });
});

describe('parseSitemap cost on hostile input', () => {
  const cases: Array<[string, string]> = [
    ['an unclosed <loc> followed by 1 MiB of text', `<urlset><url><loc>https://a.test/${'x'.repeat(MIB)}`],
    ['1 MiB of unclosed elements', `<urlset>${'<url>'.repeat(MIB / 5)}`],
    [
      '1 MiB of unclosed elements, then close tags that match none',
      `${'<a>'.repeat(MIB / 6)}${'</b>'.repeat(MIB / 8)}`,
    ],
    ['1 MiB of <loc> without a close', `<urlset><url>${'<loc>'.repeat(MIB / 5)}`],
    ['an unclosed CDATA section of 1 MiB', `<urlset><url><loc><![CDATA[${']]'.repeat(MIB / 2)}`],
    ['1 MiB of entity near-misses', `<urlset><url><loc>${'&#x1&amp&#&l'.repeat(MIB / 12)}</loc></url></urlset>`],
    ['a 1 MiB tag name', `<urlset><url><${'l'.repeat(MIB)}>x</loc></url></urlset>`],
  ];

  it.each(cases)('reads %s in linear time', (_name, xml) => {
    const started = performance.now();
    parseSitemap(xml, 100);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

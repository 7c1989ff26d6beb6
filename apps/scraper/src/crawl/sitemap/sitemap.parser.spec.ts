import { decodeXmlText, parseSitemap } from './sitemap.parser';

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

  it('caps the number of locations', () => {
    const xml = `<urlset>${'<url><loc>https://a.test/</loc></url>'.repeat(50)}</urlset>`;
    expect(parseSitemap(xml, 10).locations).toHaveLength(10);
  });

  it('decodes XML entities', () => {
    expect(decodeXmlText('a&lt;b&#x41;&#66;&unknown;')).toBe('a<bAB&unknown;');
  });
});

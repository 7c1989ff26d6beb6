/**
 * Minimal sitemap reader (sitemaps.org): `<loc>` values of a `<urlset>` (pages) or a
 * `<sitemapindex>` (more sitemaps). Tolerates namespace prefixes (`<s:loc>`) and CDATA.
 */

export interface ParsedSitemap {
  kind: 'urlset' | 'index';
  locations: string[];
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXmlText(text: string): string {
  const unwrapped = text.replace(/^<!\[CDATA\[([\s\S]*)\]\]>$/, '$1');
  return unwrapped.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return safeCodePoint(parseInt(entity.slice(2), 16), whole);
    if (entity.startsWith('#')) return safeCodePoint(parseInt(entity.slice(1), 10), whole);
    return XML_ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

function safeCodePoint(code: number, fallback: string): string {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}

export function parseSitemap(xml: string, maxLocations: number): ParsedSitemap {
  const kind = /<(?:[a-z0-9_-]+:)?sitemapindex[\s>]/i.test(xml) ? 'index' : 'urlset';
  const locations: string[] = [];
  const pattern = /<(?:[a-z0-9_-]+:)?loc\s*>([^<]*(?:<!\[CDATA\[[\s\S]*?\]\]>)?[^<]*)<\/(?:[a-z0-9_-]+:)?loc\s*>/gi;
  for (const match of xml.matchAll(pattern)) {
    if (locations.length >= maxLocations) break;
    const value = decodeXmlText((match[1] ?? '').trim()).trim();
    if (value) locations.push(value);
  }
  return { kind, locations };
}

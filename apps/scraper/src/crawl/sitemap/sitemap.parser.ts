import { wellFormedText } from '@trawl/contracts/text';
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { MAX_URL_LENGTH } from '../frontier/url.normalizer';

/**
 * Sitemap reader (sitemaps.org): the `<loc>` of each `<url>` of a `<urlset>` (pages), or of each
 * `<sitemap>` of a `<sitemapindex>` (more sitemaps). Tolerates namespace prefixes (`<s:loc>`);
 * CDATA and XML entities are decoded. One linear pass of htmlparser2's XML tokenizer.
 */

export interface ParsedSitemap {
  kind: 'urlset' | 'index';
  locations: string[];
}

/** sitemaps.org: at most 50,000 URLs per file. */
export const SITEMAP_MAX_LOCATIONS = 50_000;
/** sitemaps.org: URLs shorter than 2,048 characters; longer `<loc>` values are dropped, not cut. */
export const SITEMAP_MAX_LOC_LENGTH = MAX_URL_LENGTH;

export function parseSitemap(xml: string, maxLocations: number): ParsedSitemap {
  const reader = new SitemapReader(xml, Math.min(maxLocations, SITEMAP_MAX_LOCATIONS));
  reader.read();
  return { kind: reader.kind, locations: reader.locations };
}

/** Names longer than this are of no element we read; they are not sliced or lower-cased. */
const MAX_NAME_LENGTH = 64;
/** urlset > url > loc */
const LOC_DEPTH = 3;

/**
 * Tokenizer callbacks rather than htmlparser2's Parser: the Parser keeps its open elements with
 * Array#unshift and searches them with indexOf on every close tag, which is quadratic on a hostile
 * document of 1 MiB of unclosed tags. Here only the depth and the names of the first three levels
 * are kept.
 */
class SitemapReader implements TokenizerCallbacks {
  kind: ParsedSitemap['kind'] = 'urlset';
  readonly locations: string[] = [];
  private readonly tokenizer = new Tokenizer({ xmlMode: true, decodeEntities: true }, this);
  private readonly names: string[] = [];
  private depth = 0;
  /** The text of the `<loc>` being read, undefined outside one. */
  private loc: string[] | undefined;
  private locLength = 0;

  constructor(
    private readonly xml: string,
    private readonly maxLocations: number,
  ) {}

  read(): void {
    if (this.maxLocations <= 0) return;
    this.tokenizer.write(this.xml);
    this.tokenizer.end();
  }

  onopentagname(start: number, endIndex: number): void {
    this.depth += 1;
    if (this.depth > LOC_DEPTH) return;
    const name = localName(this.xml, start, endIndex);
    this.names[this.depth - 1] = name;
    if (this.depth === 1 && name === 'sitemapindex') this.kind = 'index';
    if (this.depth === LOC_DEPTH && name === 'loc' && this.isEntryLoc()) {
      this.loc = [];
      this.locLength = 0;
    }
  }

  onselfclosingtag(): void {
    this.closeElement();
  }

  onclosetag(): void {
    this.closeElement();
  }

  ontext(start: number, endIndex: number): void {
    if (this.loc) this.addToLoc(this.xml.slice(start, endIndex));
  }

  ontextentity(codepoint: number): void {
    if (this.loc) this.addToLoc(String.fromCodePoint(codepoint));
  }

  oncdata(start: number, endIndex: number, endOffset: number): void {
    if (this.loc) this.addToLoc(this.xml.slice(start, endIndex - endOffset));
  }

  onend(): void {
    this.loc = undefined; // an unclosed <loc> is not a location
  }

  onopentagend(): void {}
  onattribdata(): void {}
  onattribentity(): void {}
  onattribend(): void {}
  onattribname(): void {}
  oncomment(): void {}
  ondeclaration(): void {}
  onprocessinginstruction(): void {}

  private isEntryLoc(): boolean {
    const [root, entry] = this.names;
    return (root === 'urlset' && entry === 'url') || (root === 'sitemapindex' && entry === 'sitemap');
  }

  /** Past the cap only the length is counted: the value will be dropped, not cut into another URL. */
  private addToLoc(text: string): void {
    this.locLength += text.length;
    if (this.locLength <= SITEMAP_MAX_LOC_LENGTH) this.loc?.push(text);
  }

  private closeElement(): void {
    if (this.depth === LOC_DEPTH && this.loc) {
      const value = this.locLength <= SITEMAP_MAX_LOC_LENGTH ? this.loc.join('').trim() : '';
      if (value) this.locations.push(wellFormedText(value, SITEMAP_MAX_LOC_LENGTH));
      this.loc = undefined;
      if (this.locations.length >= this.maxLocations) this.tokenizer.pause();
    }
    this.depth = Math.max(0, this.depth - 1);
  }
}

function localName(xml: string, start: number, endIndex: number): string {
  if (endIndex - start > MAX_NAME_LENGTH) return '';
  const name = xml.slice(start, endIndex);
  return name.slice(name.indexOf(':') + 1).toLowerCase();
}

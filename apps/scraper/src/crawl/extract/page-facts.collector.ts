import { scanHtml, type Attributes, type HtmlVisitor } from './html.scanner';
import { markupTechnology } from './technology.detector';
import { cleanText, CollapsedText, VisibleText } from './text.buffers';

/**
 * Everything the page extractor reads from the markup, collected in one streaming pass with no
 * element tree. Every list and text is capped, so memory and work are bounded by the input size.
 * Links and URLs are kept raw here: a <base href> later in the page still applies to them.
 */
export interface PageFacts {
  title: string | null;
  description: string | null;
  language: string | null;
  baseHref: string | undefined;
  canonicalHrefs: string[];
  h1: string[];
  h2: string[];
  /** href of every a and area, raw. */
  linkHrefs: string[];
  generators: string[];
  /** script src and link href, raw. */
  assetUrls: string[];
  /** Technologies named by markup markers (div#__next, data-reactroot ...). */
  markupTechnologies: string[];
  /** Text a reader sees: no script, style, noscript, template or svg contents; blocks on their own lines. */
  visibleText: string;
}

export const MAX_TITLE = 500;
export const MAX_DESCRIPTION = 1000;
export const MAX_LANGUAGE = 35;
export const MAX_H1 = 10;
export const MAX_H2 = 10;
export const MAX_HEADING_LENGTH = 300;
export const MAX_VISIBLE_TEXT = 500_000;
export const MAX_LINK_HREFS = 10_000;
const MAX_ASSET_URLS = 500;
const MAX_GENERATORS = 10;
const MAX_CANONICAL_HREFS = 5;

/** Elements whose contents the tokenizer reads as raw text up to their end tag. */
const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'title', 'textarea', 'xmp']);
/** Raw text that is not shown: code and styles are full of things that look like e-mails and numbers. */
const CODE_ELEMENTS = new Set(['script', 'style']);
/** Elements whose text is not shown. */
const HIDDEN_ELEMENTS = new Set(['noscript', 'template', 'svg']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Elements inside a line of text: their boundaries do not separate words. */
// prettier-ignore
const INLINE_ELEMENTS = new Set([
  'a', 'abbr', 'b', 'bdi', 'bdo', 'big', 'cite', 'code', 'data', 'dfn', 'em', 'font', 'i', 'kbd', 'label',
  'mark', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'tt', 'u', 'var', 'wbr',
]);

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

interface OpenHeading {
  name: string;
  /** Undefined for headings not collected (h3-h6, or past the cap). */
  text: CollapsedText | undefined;
}

class PageFactsCollector implements HtmlVisitor {
  private rawText: string | undefined;
  private readonly hiddenDepth = new Map<string, number>();
  private hidden = 0;
  private title: CollapsedText | undefined;
  private collectingTitle = false;
  private heading: OpenHeading | undefined;
  private readonly headings = { h1: [] as string[], h2: [] as string[] };
  private description: string | undefined;
  private ogDescription: string | undefined;
  private htmlLang: string | undefined;
  private contentLanguage: string | undefined;
  private baseHref: string | undefined;
  private readonly canonicalHrefs: string[] = [];
  private readonly linkHrefs: string[] = [];
  private readonly generators: string[] = [];
  private readonly assetUrls: string[] = [];
  private readonly markup = new Set<string>();
  private readonly visible = new VisibleText(MAX_VISIBLE_TEXT);

  openTag(name: string, attributes: Attributes, selfClosing: boolean): void {
    if (RAW_TEXT_ELEMENTS.has(name) && !selfClosing) this.rawText = name;
    if (!INLINE_ELEMENTS.has(name)) this.breakWords();
    // HTML ignores a self-closing slash except on foreign elements such as <svg/>.
    if (HIDDEN_ELEMENTS.has(name) && !(selfClosing && name === 'svg')) this.enterHidden(name);
    if (name === 'title' && !selfClosing && this.title === undefined && !this.hiddenDepth.get('svg')) {
      this.title = new CollapsedText(MAX_TITLE);
      this.collectingTitle = true;
    }
    if (HEADINGS.has(name) && this.hidden === 0) this.openHeading(name);
    for (const [attribute, value] of attributes) {
      const technology = markupTechnology(name, attribute, value);
      if (technology !== undefined) this.markup.add(technology);
    }
    this.readAttributes(name, attributes);
  }

  closeTag(name: string): void {
    if (name === this.rawText) this.rawText = undefined;
    if (name === 'title') this.collectingTitle = false;
    if (HIDDEN_ELEMENTS.has(name)) this.leaveHidden(name);
    if (HEADINGS.has(name)) this.closeHeading();
    if (!INLINE_ELEMENTS.has(name)) this.breakWords();
  }

  text(text: string): void {
    if (this.rawText !== undefined && CODE_ELEMENTS.has(this.rawText)) return;
    if (this.rawText === 'title') {
      if (this.collectingTitle) this.title?.append(text);
      return;
    }
    if (this.hidden > 0) return;
    this.visible.append(text);
    this.heading?.text?.append(text);
  }

  facts(): PageFacts {
    this.closeHeading();
    return {
      title: this.title?.value() ?? null,
      description: cleanText(this.description ?? this.ogDescription ?? '', MAX_DESCRIPTION),
      language: cleanText(this.htmlLang ?? this.contentLanguage ?? '', MAX_LANGUAGE),
      baseHref: this.baseHref,
      canonicalHrefs: this.canonicalHrefs,
      h1: this.headings.h1,
      h2: this.headings.h2,
      linkHrefs: this.linkHrefs,
      generators: this.generators,
      assetUrls: this.assetUrls,
      markupTechnologies: [...this.markup],
      visibleText: this.visible.value(),
    };
  }

  private readAttributes(name: string, attributes: Attributes): void {
    switch (name) {
      case 'a':
      case 'area':
        pushCapped(this.linkHrefs, attributes.get('href'), MAX_LINK_HREFS);
        break;
      case 'link': {
        const href = attributes.get('href');
        pushCapped(this.assetUrls, href, MAX_ASSET_URLS);
        const rel = attributes.get('rel')?.toLowerCase().split(/\s+/) ?? [];
        if (rel.includes('canonical')) pushCapped(this.canonicalHrefs, href, MAX_CANONICAL_HREFS);
        break;
      }
      case 'script':
        pushCapped(this.assetUrls, attributes.get('src'), MAX_ASSET_URLS);
        break;
      case 'base':
        this.baseHref ??= attributes.get('href');
        break;
      case 'html':
        this.htmlLang ??= nonBlank(attributes.get('lang'));
        break;
      case 'meta':
        this.readMeta(attributes);
        break;
    }
  }

  private readMeta(attributes: Attributes): void {
    const content = nonBlank(attributes.get('content'));
    if (content === undefined) return;
    const metaName = attributes.get('name')?.toLowerCase();
    if (metaName === 'description') this.description ??= content;
    if (metaName === 'generator') pushCapped(this.generators, content, MAX_GENERATORS);
    if (attributes.get('property')?.toLowerCase() === 'og:description') this.ogDescription ??= content;
    if (attributes.get('http-equiv')?.toLowerCase() === 'content-language') this.contentLanguage ??= content;
  }

  private breakWords(): void {
    this.visible.breakLine();
    this.heading?.text?.separate();
  }

  private enterHidden(name: string): void {
    this.hiddenDepth.set(name, (this.hiddenDepth.get(name) ?? 0) + 1);
    this.hidden += 1;
  }

  private leaveHidden(name: string): void {
    const depth = this.hiddenDepth.get(name) ?? 0;
    if (depth === 0) return;
    this.hiddenDepth.set(name, depth - 1);
    this.hidden -= 1;
  }

  /** A heading start tag ends any open heading, as HTML parsers do. */
  private openHeading(name: string): void {
    this.closeHeading();
    const collected = name === 'h1' ? this.headings.h1 : name === 'h2' ? this.headings.h2 : undefined;
    const cap = name === 'h1' ? MAX_H1 : MAX_H2;
    const text = collected !== undefined && collected.length < cap ? new CollapsedText(MAX_HEADING_LENGTH) : undefined;
    this.heading = { name, text };
  }

  private closeHeading(): void {
    const heading = this.heading;
    if (heading === undefined) return;
    this.heading = undefined;
    const value = heading.text?.value();
    if (value === undefined || value === null) return;
    if (heading.name === 'h1') this.headings.h1.push(value);
    else this.headings.h2.push(value);
  }
}

function pushCapped(list: string[], value: string | undefined, cap: number): void {
  if (value !== undefined && list.length < cap) list.push(value);
}

/** Reads title, meta data, headings, links, asset URLs, markup markers and visible text in one pass. */
export function collectPageFacts(html: string): PageFacts {
  const collector = new PageFactsCollector();
  scanHtml(html, collector);
  return collector.facts();
}

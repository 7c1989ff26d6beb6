import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/**
 * One pass over an HTML string with htmlparser2's tokenizer, reported as tags and text.
 *
 * The tokenizer alone, not htmlparser2's Parser: the Parser keeps a stack of open elements that
 * it `unshift`s and searches for every tag, which is quadratic on unclosed tags (200,000 `<div>`
 * take seconds). Nothing here keeps a stack, so work is linear in the input. The tokenizer decodes
 * entities in text and attribute values, and reads the contents of script, style, title, textarea
 * and xmp as raw text up to the matching end tag.
 */

/** Attribute values are cut to this many UTF-16 units; longer ones are junk or attacks. */
export const MAX_ATTRIBUTE_LENGTH = 4096;
/** Attributes after this many on one tag are ignored. */
export const MAX_ATTRIBUTES_PER_TAG = 64;
/** Tag and attribute names are cut to this many characters (no name we look for is longer). */
const MAX_NAME_LENGTH = 64;

/** Lower-cased attribute names to values; the first of repeated attributes wins, as in browsers. */
export type Attributes = ReadonlyMap<string, string>;

export interface HtmlVisitor {
  /** A start tag, name lower-cased. `selfClosing` for `<x/>` (HTML ignores the slash but on foreign elements). */
  openTag(name: string, attributes: Attributes, selfClosing: boolean): void;
  closeTag(name: string): void;
  /** Text with entities decoded, in pieces (split at entities and tags). */
  text(text: string): void;
}

export function scanHtml(html: string, visitor: HtmlVisitor): void {
  const tokenizer = new Tokenizer({ decodeEntities: true }, new TokenEvents(html, visitor));
  tokenizer.write(html);
  tokenizer.end();
}

function codePointText(codePoint: number): string {
  return codePoint >= 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '\ufffd';
}

/** Turns the tokenizer's index ranges into names, values and text for the visitor. */
class TokenEvents implements TokenizerCallbacks {
  private tagName = '';
  private attributes = new Map<string, string>();
  private attributeName = '';
  private attributeValue = '';

  constructor(
    private readonly html: string,
    private readonly visitor: HtmlVisitor,
  ) {}

  private name(start: number, end: number): string {
    return this.html.slice(start, Math.min(end, start + MAX_NAME_LENGTH)).toLowerCase();
  }

  private appendToValue(piece: string): void {
    const room = MAX_ATTRIBUTE_LENGTH - this.attributeValue.length;
    if (room > 0) this.attributeValue += piece.length > room ? piece.slice(0, room) : piece;
  }

  onopentagname(start: number, end: number): void {
    this.tagName = this.name(start, end);
    this.attributes = new Map();
  }

  onattribname(start: number, end: number): void {
    this.attributeName = this.name(start, end);
    this.attributeValue = '';
  }

  onattribdata(start: number, end: number): void {
    if (this.attributeValue.length < MAX_ATTRIBUTE_LENGTH) {
      this.appendToValue(this.html.slice(start, Math.min(end, start + MAX_ATTRIBUTE_LENGTH)));
    }
  }

  onattribentity(codePoint: number): void {
    this.appendToValue(codePointText(codePoint));
  }

  onattribend(): void {
    const { attributes, attributeName } = this;
    if (attributes.size < MAX_ATTRIBUTES_PER_TAG && !attributes.has(attributeName)) {
      attributes.set(attributeName, this.attributeValue);
    }
    this.attributeValue = '';
  }

  onopentagend(): void {
    this.visitor.openTag(this.tagName, this.attributes, false);
  }

  onselfclosingtag(): void {
    this.visitor.openTag(this.tagName, this.attributes, true);
  }

  onclosetag(start: number, end: number): void {
    this.visitor.closeTag(this.name(start, end));
  }

  ontext(start: number, end: number): void {
    this.visitor.text(this.html.slice(start, end));
  }

  ontextentity(codePoint: number): void {
    this.visitor.text(codePointText(codePoint));
  }

  // Comments, CDATA (a comment in HTML), doctype and processing instructions carry nothing we read.
  oncomment(): void {}
  oncdata(): void {}
  ondeclaration(): void {}
  onprocessinginstruction(): void {}
  onend(): void {}
}

import { decodeHTML, decodeHTMLAttribute } from 'entities';
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/**
 * One pass over an HTML string with htmlparser2's tokenizer, reported as tags and text.
 *
 * The tokenizer alone, not htmlparser2's Parser: the Parser keeps a stack of open elements that
 * it `unshift`s and searches for every tag, which is quadratic on unclosed tags (200,000 `<div>`
 * take seconds). Nothing here keeps a stack, so work is linear in the input. The tokenizer reads the
 * contents of script, style, title, textarea and xmp as raw text up to the matching end tag.
 *
 * Entities are decoded here, not by the tokenizer: told to decode, it steps through text one
 * character at a time to find them (0.17 ms for a 38 KB page); told not to, it skips to the next
 * `<` (0.07 ms), and a text run or attribute value without an `&` (most) needs no decoding at all.
 * What is decoded is what the tokenizer decoded, with the same decoder (entities, which htmlparser2
 * uses): text and title contents in legacy mode, attribute values in attribute mode, the contents
 * of script, style, textarea and xmp not at all.
 */

/** Attribute values are cut to this many UTF-16 units; longer ones are junk or attacks. */
export const MAX_ATTRIBUTE_LENGTH = 4096;
/** Attributes after this many on one tag are ignored. */
export const MAX_ATTRIBUTES_PER_TAG = 64;
/** Tag and attribute names are cut to this many characters (no name we look for is longer). */
const MAX_NAME_LENGTH = 64;
/**
 * Raw attribute text kept for decoding: enough for MAX_ATTRIBUTE_LENGTH characters even when each is
 * written as the longest named reference (`&CounterClockwiseContourIntegral;`, 33 characters).
 */
const MAX_RAW_ATTRIBUTE_LENGTH = MAX_ATTRIBUTE_LENGTH * 33;
/** Raw-text elements whose contents the tokenizer did not decode (title's it did). */
const UNDECODED_ELEMENTS = new Set(['script', 'style', 'textarea', 'xmp']);

/** Lower-cased attribute names to values; the first of repeated attributes wins, as in browsers. */
export type Attributes = ReadonlyMap<string, string>;

export interface HtmlVisitor {
  /** A start tag, name lower-cased. `selfClosing` for `<x/>` (HTML ignores the slash but on foreign elements). */
  openTag(name: string, attributes: Attributes, selfClosing: boolean): void;
  closeTag(name: string): void;
  /** Text with entities decoded, in pieces (split at tags). */
  text(text: string): void;
}

export function scanHtml(html: string, visitor: HtmlVisitor): void {
  const tokenizer = new Tokenizer({ decodeEntities: false }, new TokenEvents(html, visitor));
  tokenizer.write(html);
  tokenizer.end();
}

/** Turns the tokenizer's index ranges into names, values and text for the visitor. */
class TokenEvents implements TokenizerCallbacks {
  private tagName = '';
  private attributes = new Map<string, string>();
  private attributeName = '';
  private attributeValue = '';
  /** Inside script, style, textarea or xmp: text is passed on as it is. */
  private undecodedUntil: string | undefined;

  constructor(
    private readonly html: string,
    private readonly visitor: HtmlVisitor,
  ) {}

  private name(start: number, end: number): string {
    return this.html.slice(start, Math.min(end, start + MAX_NAME_LENGTH)).toLowerCase();
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
    const room = MAX_RAW_ATTRIBUTE_LENGTH - this.attributeValue.length;
    if (room > 0) this.attributeValue += this.html.slice(start, Math.min(end, start + room));
  }

  onattribentity(): void {
    // Not called: the tokenizer does not decode (see scanHtml).
  }

  onattribend(): void {
    const { attributes, attributeName } = this;
    if (attributes.size < MAX_ATTRIBUTES_PER_TAG && !attributes.has(attributeName)) {
      let value = this.attributeValue;
      if (value.includes('&')) value = decodeHTMLAttribute(value);
      attributes.set(attributeName, value.length > MAX_ATTRIBUTE_LENGTH ? value.slice(0, MAX_ATTRIBUTE_LENGTH) : value);
    }
    this.attributeValue = '';
  }

  onopentagend(): void {
    if (UNDECODED_ELEMENTS.has(this.tagName)) this.undecodedUntil = this.tagName;
    this.visitor.openTag(this.tagName, this.attributes, false);
  }

  onselfclosingtag(): void {
    this.visitor.openTag(this.tagName, this.attributes, true);
  }

  onclosetag(start: number, end: number): void {
    const name = this.name(start, end);
    if (name === this.undecodedUntil) this.undecodedUntil = undefined;
    this.visitor.closeTag(name);
  }

  ontext(start: number, end: number): void {
    const text = this.html.slice(start, end);
    this.visitor.text(this.undecodedUntil === undefined && text.includes('&') ? decodeHTML(text) : text);
  }

  ontextentity(): void {
    // Not called: the tokenizer does not decode (see scanHtml).
  }

  // Comments, CDATA (a comment in HTML), doctype and processing instructions carry nothing we read.
  oncomment(): void {}
  oncdata(): void {}
  ondeclaration(): void {}
  onprocessinginstruction(): void {}
  onend(): void {}
}

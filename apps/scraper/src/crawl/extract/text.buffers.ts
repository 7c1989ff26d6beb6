import { cutOnCodePoint, wellFormed } from '@trawl/contracts/text';

/** Whitespace collapsed to single spaces and trimmed, well-formed, cut to `maxLength`; null when empty. */
export function cleanText(text: string, maxLength: number): string | null {
  const collapsed = wellFormed(text).replace(/\s+/g, ' ').trim();
  return collapsed === '' ? null : cutOnCodePoint(collapsed, maxLength).trimEnd();
}

/**
 * Text of one element (title, a heading) with whitespace collapsed as it arrives, kept only up to
 * its cap: an element of a megabyte of text costs one pass and `maxLength` characters of memory.
 */
export class CollapsedText {
  private text = '';

  constructor(private readonly maxLength: number) {}

  append(piece: string): void {
    const room = this.maxLength + 1 - this.text.length;
    if (room <= 0) return;
    let collapsed = wellFormed(piece).replace(/\s+/g, ' ');
    if (collapsed.startsWith(' ') && (this.text === '' || this.text.endsWith(' '))) collapsed = collapsed.slice(1);
    this.text += collapsed.length > room ? collapsed.slice(0, room) : collapsed;
  }

  /** Separates the words on either side of a tag boundary such as `<br>`. */
  separate(): void {
    this.append(' ');
  }

  value(): string | null {
    return cleanText(this.text, this.maxLength);
  }
}

/**
 * The page's visible text, capped. Block boundaries become a newline so that words (and numbers)
 * of neighbouring paragraphs or table cells do not run together.
 */
export class VisibleText {
  private readonly pieces: string[] = [];
  private length = 0;
  private endsWithBreak = true;

  constructor(private readonly maxLength: number) {}

  append(piece: string): void {
    const room = this.maxLength - this.length;
    if (room <= 0 || piece === '') return;
    if (piece.length < room) {
      this.pieces.push(piece);
      this.length += piece.length;
    } else {
      this.pieces.push(cutOnCodePoint(piece, room));
      this.length = this.maxLength;
    }
    this.endsWithBreak = false;
  }

  breakLine(): void {
    if (this.endsWithBreak) return;
    this.append('\n');
    this.endsWithBreak = true;
  }

  value(): string {
    return this.pieces.join('');
  }
}

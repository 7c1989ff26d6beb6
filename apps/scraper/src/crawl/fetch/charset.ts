import { TextDecoder } from 'node:util';

/**
 * Character set of an HTML body: BOM, else the Content-Type charset, else a <meta charset> /
 * <meta http-equiv="content-type"> in the first 1024 bytes, else UTF-8. Decoding uses TextDecoder
 * (WHATWG labels: "iso-8859-1" and "latin1" decode as windows-1252, as browsers do).
 */

const SNIFF_BYTES = 1024;

export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType);
  return match?.[2]?.toLowerCase();
}

export function charsetFromMeta(head: Uint8Array): string | undefined {
  const text = Buffer.from(head.subarray(0, SNIFF_BYTES)).toString('latin1');
  const direct = /<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_.:-]+)/i.exec(text);
  if (direct?.[1]) return direct[1].toLowerCase();
  return undefined;
}

function bomCharset(body: Uint8Array): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  return undefined;
}

function decoderFor(label: string | undefined): TextDecoder | undefined {
  if (!label) return undefined;
  try {
    return new TextDecoder(label);
  } catch {
    return undefined; // unknown label
  }
}

export interface DecodedHtml {
  text: string;
  charset: string;
}

export function decodeHtml(body: Uint8Array, contentType: string | undefined): DecodedHtml {
  const bom = bomCharset(body);
  if (bom) {
    const decoder = new TextDecoder(bom); // strips the BOM
    return { text: decoder.decode(body), charset: decoder.encoding };
  }
  let decoder = decoderFor(charsetFromContentType(contentType));
  if (!decoder) {
    decoder = decoderFor(charsetFromMeta(body));
    // A <meta> claiming UTF-16 in an ASCII-compatible document means UTF-8 (HTML spec).
    if (decoder?.encoding.startsWith('utf-16')) decoder = undefined;
  }
  decoder ??= new TextDecoder('utf-8');
  return { text: decoder.decode(body), charset: decoder.encoding };
}

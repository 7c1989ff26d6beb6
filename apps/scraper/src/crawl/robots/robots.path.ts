const encoder = new TextEncoder();

/**
 * A path or rule value in the form robots.txt matching compares (RFC 9309 §2.2.2): percent escapes
 * upper-cased, everything outside printable ASCII percent-encoded octet by octet. Linear in the input.
 */
export function normalizeRobotsPath(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code > 0x20 && code < 0x7f) {
      out += ch;
    } else {
      for (const byte of encoder.encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase());
}

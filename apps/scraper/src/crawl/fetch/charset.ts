import { getEncoding } from 'encoding-sniffer';
import { TextDecoder, MIMEType } from 'node:util';

/**
 * Character set of an HTML body by the HTML standard's encoding sniffing (encoding-sniffer): a BOM,
 * else the Content-Type charset, else a <meta charset> / <meta http-equiv="content-type"> (or an
 * XML declaration) in the first 1024 bytes, where UTF-16 means UTF-8; else UTF-8. Decoding uses
 * TextDecoder (WHATWG labels: "iso-8859-1" and "latin1" decode as windows-1252, as browsers do).
 */

export interface DecodedHtml {
  text: string;
  /** The WHATWG name of the encoding used, lower-cased ("utf-8", "windows-1252", ...). */
  charset: string;
}

/** The charset parameter of a Content-Type value (WHATWG MIME type parsing), lower-cased. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  try {
    return new MIMEType(contentType).params.get('charset')?.toLowerCase() ?? undefined;
  } catch {
    return undefined; // not a MIME type: no charset from the transport layer
  }
}

export function decodeHtml(body: Uint8Array, contentType: string | undefined): DecodedHtml {
  const encoding = getEncoding(body, {
    transportLayerEncodingLabel: charsetFromContentType(contentType),
    defaultEncoding: 'utf-8',
  });
  const decoder = decoderFor(encoding);
  return { text: decoder.decode(body), charset: decoder.encoding };
}

function decoderFor(encoding: string): TextDecoder {
  try {
    return new TextDecoder(encoding); // strips a BOM of its own encoding
  } catch {
    return new TextDecoder('utf-8'); // a Node built without full ICU lacks the legacy CJK encodings
  }
}

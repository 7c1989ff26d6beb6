import { charsetFromContentType, charsetFromMeta, decodeHtml } from './charset';

const cp1252 = Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x96, 0x20, 0x35, 0x80]); // "Café – 5€"

describe('charset detection', () => {
  it('reads the Content-Type charset parameter', () => {
    expect(charsetFromContentType('text/html; charset=ISO-8859-1')).toBe('iso-8859-1');
    expect(charsetFromContentType('text/html;charset="utf-8"')).toBe('utf-8');
    expect(charsetFromContentType('text/html')).toBeUndefined();
    expect(charsetFromContentType(undefined)).toBeUndefined();
  });

  it('reads <meta charset> and http-equiv in the first 1024 bytes', () => {
    expect(charsetFromMeta(Buffer.from('<html><head><meta charset="windows-1252">'))).toBe('windows-1252');
    expect(
      charsetFromMeta(Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">')),
    ).toBe('shift_jis');
    expect(charsetFromMeta(Buffer.from(`${' '.repeat(1100)}<meta charset="koi8-r">`))).toBeUndefined();
  });

  it('decodes with header charset, then meta, then UTF-8', () => {
    expect(decodeHtml(cp1252, 'text/html; charset=windows-1252').text).toBe('Café – 5€');
    expect(decodeHtml(cp1252, 'text/html; charset=iso-8859-1').text).toBe('Café – 5€'); // WHATWG: latin1 = cp1252
    const withMeta = Buffer.concat([Buffer.from('<meta charset="windows-1252">'), cp1252]);
    expect(decodeHtml(withMeta, 'text/html').text).toBe('<meta charset="windows-1252">Café – 5€');
    expect(decodeHtml(Buffer.from('Grüße', 'utf8'), undefined)).toEqual({ text: 'Grüße', charset: 'utf-8' });
  });

  it('the header wins over meta; a BOM wins over both', () => {
    const body = Buffer.concat([Buffer.from('<meta charset="windows-1252">'), Buffer.from('é', 'utf8')]);
    expect(decodeHtml(body, 'text/html; charset=utf-8').text.endsWith('é')).toBe(true);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('é', 'utf8')]);
    expect(decodeHtml(bom, 'text/html; charset=windows-1252').text).toBe('é');
  });

  it('falls back to UTF-8 on unknown labels and ignores UTF-16 from meta', () => {
    expect(decodeHtml(Buffer.from('ok'), 'text/html; charset=x-nonsense').charset).toBe('utf-8');
    expect(decodeHtml(Buffer.from('<meta charset="utf-16">ok'), 'text/html').charset).toBe('utf-8');
  });
});

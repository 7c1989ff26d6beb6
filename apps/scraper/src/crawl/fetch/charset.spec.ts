import { charsetFromContentType, decodeHtml } from './charset';

const cp1252 = Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x96, 0x20, 0x35, 0x80]); // "Café – 5€"
const MIB = 1024 * 1024;

describe('charsetFromContentType', () => {
  it('reads the charset parameter of the Content-Type', () => {
    expect(charsetFromContentType('text/html; charset=ISO-8859-1')).toBe('iso-8859-1');
    expect(charsetFromContentType('text/html;charset="utf-8"')).toBe('utf-8');
    expect(charsetFromContentType('text/html')).toBeUndefined();
    expect(charsetFromContentType('not a mime type; charset=utf-8')).toBeUndefined();
    expect(charsetFromContentType(undefined)).toBeUndefined();
  });
});

describe('decodeHtml', () => {
  it('decodes with the header charset, then <meta>, then UTF-8', () => {
    expect(decodeHtml(cp1252, 'text/html; charset=windows-1252').text).toBe('Café – 5€');
    expect(decodeHtml(cp1252, 'text/html; charset=iso-8859-1')).toEqual({ text: 'Café – 5€', charset: 'windows-1252' });
    const withMeta = Buffer.concat([Buffer.from('<meta charset="windows-1252">'), cp1252]);
    expect(decodeHtml(withMeta, 'text/html').text).toBe('<meta charset="windows-1252">Café – 5€');
    expect(decodeHtml(Buffer.from('Grüße', 'utf8'), undefined)).toEqual({ text: 'Grüße', charset: 'utf-8' });
  });

  it('reads <meta charset> and http-equiv in the first 1024 bytes only', () => {
    const charsetOf = (html: string): string => decodeHtml(Buffer.from(html), 'text/html').charset;
    expect(charsetOf('<html><head><meta charset="windows-1252">')).toBe('windows-1252');
    expect(charsetOf('<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">')).toBe('shift_jis');
    expect(charsetOf('<!-- <meta charset="koi8-r"> --><meta charset="iso-8859-2">')).toBe('iso-8859-2');
    expect(charsetOf(`${' '.repeat(1100)}<meta charset="koi8-r">`)).toBe('utf-8');
  });

  it('the header wins over <meta>; a BOM wins over both and is removed', () => {
    const body = Buffer.concat([Buffer.from('<meta charset="windows-1252">'), Buffer.from('é', 'utf8')]);
    expect(decodeHtml(body, 'text/html; charset=utf-8').text.endsWith('é')).toBe(true);
    const utf8Bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('é', 'utf8')]);
    expect(decodeHtml(utf8Bom, 'text/html; charset=windows-1252')).toEqual({ text: 'é', charset: 'utf-8' });
    const utf16Bom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<p>é', 'utf16le')]);
    expect(decodeHtml(utf16Bom, 'text/html; charset=utf-8')).toEqual({ text: '<p>é', charset: 'utf-16le' });
  });

  it('skips unknown labels, and reads UTF-16 in <meta> as UTF-8 (HTML standard)', () => {
    expect(decodeHtml(Buffer.from('ok'), 'text/html; charset=x-nonsense').charset).toBe('utf-8');
    const metaAfterNonsense = Buffer.from('<meta charset="windows-1252">');
    expect(decodeHtml(metaAfterNonsense, 'text/html; charset=x-nonsense').charset).toBe('windows-1252');
    expect(decodeHtml(Buffer.from('<meta charset="utf-16">ok'), 'text/html').charset).toBe('utf-8');
  });

  it.each([
    ['1 MiB of "<meta " without ">"', Buffer.from('<meta '.repeat(MIB / 6)), 'text/html'],
    ['1 MiB of one open attribute value', Buffer.from(`<meta charset="${'x'.repeat(MIB)}`), 'text/html'],
    ['a 1 MiB Content-Type', Buffer.from('<p>ok'), `text/html${'; charset="x'.repeat(MIB / 12)}`],
  ])('sniffs %s in linear time', (_name, body, contentType) => {
    const started = performance.now();
    expect(decodeHtml(body, contentType).charset).toBe('utf-8');
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { ClassifiedError } from '../errors/crawl-error';
import { parseContentEncoding, readBody } from './body.reader';

const streamOf = (...chunks: Buffer[]): Readable => Readable.from(chunks);

describe('readBody', () => {
  const text = Buffer.from('<html>'.repeat(1000));

  it('reads identity bodies', async () => {
    const result = await readBody(streamOf(text), { contentEncoding: undefined, maxBytes: 1e6, overflow: 'fail' });
    expect(result).toEqual({ body: text, bytes: text.length, truncated: false });
  });

  it.each([
    ['gzip', zlib.gzipSync],
    ['x-gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['br', zlib.brotliCompressSync],
  ] as const)('decodes %s', async (coding, compress) => {
    const result = await readBody(streamOf(compress(text)), {
      contentEncoding: coding,
      maxBytes: 1e6,
      overflow: 'fail',
    });
    expect(result.body.equals(text)).toBe(true);
  });

  it('undoes two layers in reverse order', async () => {
    const twice = zlib.brotliCompressSync(zlib.gzipSync(text));
    const result = await readBody(streamOf(twice), {
      contentEncoding: ['gzip', 'br'],
      maxBytes: 1e6,
      overflow: 'fail',
    });
    expect(result.body.equals(text)).toBe(true);
  });

  it('refuses more than two layers and unknown codings', async () => {
    await expect(
      readBody(streamOf(text), { contentEncoding: 'gzip, gzip, gzip', maxBytes: 1e6, overflow: 'fail' }),
    ).rejects.toMatchObject({ errorClass: 'not_html' });
    await expect(
      readBody(streamOf(text), { contentEncoding: 'compress', maxBytes: 1e6, overflow: 'fail' }),
    ).rejects.toBeInstanceOf(ClassifiedError);
  });

  it('counts decoded bytes: a gzip bomb stops at the cap', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100 * 1024);
    await expect(
      readBody(streamOf(bomb), { contentEncoding: 'gzip', maxBytes: 1024 * 1024, overflow: 'fail' }),
    ).rejects.toMatchObject({ errorClass: 'body_too_large' });
  });

  it('truncates at the cap when asked to', async () => {
    const result = await readBody(streamOf(text, text), {
      contentEncoding: undefined,
      maxBytes: 7000,
      overflow: 'truncate',
    });
    expect(result.bytes).toBe(7000);
    expect(result.truncated).toBe(true);
    expect(result.body.length).toBe(7000);
  });

  it('a body of exactly the cap is fine', async () => {
    const result = await readBody(streamOf(text), {
      contentEncoding: undefined,
      maxBytes: text.length,
      overflow: 'fail',
    });
    expect(result.bytes).toBe(text.length);
  });

  it('reports corrupt compressed data by its zlib code', async () => {
    await expect(
      readBody(streamOf(Buffer.from('definitely not gzip')), {
        contentEncoding: 'gzip',
        maxBytes: 1e6,
        overflow: 'fail',
      }),
    ).rejects.toMatchObject({ code: 'Z_DATA_ERROR' });
  });

  it('destroys the source when it stops early', async () => {
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(2000));
    const reading = readBody(source, { contentEncoding: undefined, maxBytes: 1000, overflow: 'fail' });
    await expect(reading).rejects.toMatchObject({ errorClass: 'body_too_large' });
    expect(source.destroyed).toBe(true);
  });
});

describe('parseContentEncoding', () => {
  it('splits, lowercases and drops identity', () => {
    expect(parseContentEncoding('GZIP, identity ,br')).toEqual(['gzip', 'br']);
    expect(parseContentEncoding(['gzip', 'br'])).toEqual(['gzip', 'br']);
    expect(parseContentEncoding(undefined)).toEqual([]);
  });
});

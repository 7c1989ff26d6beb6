import fc from 'fast-check';
import { Tokenizer } from 'htmlparser2';
import { MAX_ATTRIBUTE_LENGTH, MAX_ATTRIBUTES_PER_TAG, scanHtml, type HtmlVisitor } from './html.scanner';
import { PATHOLOGICAL_BUDGET_MS, timed } from './testing/timed';

type Event = ['open', string, Record<string, string>, boolean] | ['close', string] | ['text', string];

function events(html: string): Event[] {
  const seen: Event[] = [];
  const visitor: HtmlVisitor = {
    openTag: (name, attributes, selfClosing) => seen.push(['open', name, Object.fromEntries(attributes), selfClosing]),
    closeTag: (name) => seen.push(['close', name]),
    text: (text) => {
      const last = seen.at(-1);
      if (last?.[0] === 'text') last[1] += text;
      else seen.push(['text', text]);
    },
  };
  scanHtml(html, visitor);
  return seen;
}

describe('scanHtml', () => {
  it('reports tags with lower-cased names and attributes, and text with entities decoded', () => {
    expect(events('<A HREF="/x?a=1&amp;b=2" Class=c disabled>Tom &amp; Jerry&#64;</a><br/>')).toEqual([
      ['open', 'a', { href: '/x?a=1&b=2', class: 'c', disabled: '' }, false],
      ['text', 'Tom & Jerry@'],
      ['close', 'a'],
      ['open', 'br', {}, true],
    ]);
  });

  it('keeps the first of repeated attributes', () => {
    expect(events('<a href="/first" HREF="/second">')).toEqual([['open', 'a', { href: '/first' }, false]]);
  });

  it('reads script and style contents as raw text, and decodes entities in a title', () => {
    expect(events('<script>if (a<b) x="</div>"</script><title>A &amp; B</title>')).toEqual([
      ['open', 'script', {}, false],
      ['text', 'if (a<b) x="</div>"'],
      ['close', 'script'],
      ['open', 'title', {}, false],
      ['text', 'A & B'],
      ['close', 'title'],
    ]);
  });

  it('ignores comments, doctype and CDATA', () => {
    expect(events('<!doctype html><!-- a@b.c --><![CDATA[x]]><p>t</p>')).toEqual([
      ['open', 'p', {}, false],
      ['text', 't'],
      ['close', 'p'],
    ]);
  });

  it('reports no tag that is never finished', () => {
    expect(events('<p>t</p><div class="x')).toEqual([
      ['open', 'p', {}, false],
      ['text', 't'],
      ['close', 'p'],
    ]);
  });

  it(`cuts attribute values to ${MAX_ATTRIBUTE_LENGTH} characters and keeps ${MAX_ATTRIBUTES_PER_TAG} attributes`, () => {
    const [open] = events(`<a title="${'&amp;'.repeat(10_000)}" ${'x'.repeat(100)}=1 ${'y=1 '.repeat(10)}>`);
    const attributes = open![2] as Record<string, string>;
    expect(attributes.title).toBe('&'.repeat(MAX_ATTRIBUTE_LENGTH));
    expect(Object.keys(attributes)).toContain('x'.repeat(64));
    const many = events(`<a ${Array.from({ length: 100 }, (_, i) => `a${i}=1`).join(' ')}>`);
    expect(Object.keys(many[0]![2] as Record<string, string>)).toHaveLength(MAX_ATTRIBUTES_PER_TAG);
  });

  it.each([
    ['200,000 unclosed <div>', '<div>'.repeat(200_000)],
    ['150,000 <div> then 150,000 unmatched </span>', `${'<div>'.repeat(150_000)}${'</span>'.repeat(150_000)}`],
    ['200,000 "<div " without ">"', '<div '.repeat(200_000)],
    ['a 1 MiB attribute value', `<a href="${'a'.repeat(1024 * 1024)}">`],
    ['a 1 MiB tag name', `<${'a'.repeat(1024 * 1024)}>`],
    ['a 1 MiB attribute of entities', `<a title="${'&amp;'.repeat(210_000)}">`],
    ['1 MiB of "&" in an attribute', `<a title="${'&'.repeat(1024 * 1024)}">`],
  ])('finishes in time on %s', (_case, html) => {
    let tags = 0;
    const { ms } = timed(() =>
      scanHtml(html, { openTag: () => (tags += 1), closeTag: () => undefined, text: () => undefined }),
    );
    expect(ms).toBeLessThan(PATHOLOGICAL_BUDGET_MS);
    expect(tags).toBeLessThanOrEqual(200_000);
  });
});

/**
 * The scanner as it was before it decoded entities itself: the tokenizer decoding them. The
 * scanner's events must not differ from these (attribute values cut at MAX_ATTRIBUTE_LENGTH either
 * way; the generated values stay below it).
 */
function tokenizerDecodedEvents(html: string): Event[] {
  const seen: Event[] = [];
  const text = (piece: string) => {
    const last = seen.at(-1);
    if (last?.[0] === 'text') last[1] += piece;
    else seen.push(['text', piece]);
  };
  const fromCodePoint = (cp: number) => (cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd');
  const name = (start: number, end: number) => html.slice(start, Math.min(end, start + 64)).toLowerCase();
  let tag = '';
  let attributes = new Map<string, string>();
  let attribute = '';
  let value = '';
  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname: (start, end) => {
        tag = name(start, end);
        attributes = new Map();
      },
      onattribname: (start, end) => {
        attribute = name(start, end);
        value = '';
      },
      onattribdata: (start, end) => (value += html.slice(start, end)),
      onattribentity: (cp) => (value += fromCodePoint(cp)),
      onattribend: () => {
        if (attributes.size < MAX_ATTRIBUTES_PER_TAG && !attributes.has(attribute)) attributes.set(attribute, value);
      },
      onopentagend: () => seen.push(['open', tag, Object.fromEntries(attributes), false]),
      onselfclosingtag: () => seen.push(['open', tag, Object.fromEntries(attributes), true]),
      onclosetag: (start, end) => seen.push(['close', name(start, end)]),
      ontext: (start, end) => text(html.slice(start, end)),
      ontextentity: (cp) => text(fromCodePoint(cp)),
      oncomment: () => undefined,
      oncdata: () => undefined,
      ondeclaration: () => undefined,
      onprocessinginstruction: () => undefined,
      onend: () => undefined,
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  return seen;
}

describe('scanHtml decodes entities as the tokenizer did', () => {
  const piece = fc.constantFrom(
    ...['&amp;', '&amp', '&lt;', '&gt', '&copy;', '&copy', '&notit;', '&notin;', '&CounterClockwiseContourIntegral;'],
    ...['&#64;', '&#x40;', '&#X1F600;', '&#0;', '&#xD800;', '&#128;', '&#99999999;', '&#;', '&#x;', '&', '&&', '&;'],
    ...['<p>', '</p>', '<a href="', '" title=\'', "'>", '<a href=x&amp;y>', '<img alt="a&amp;b"/>', '<br/>'],
    ...['<title>', '</title>', '<script>', '</script>', '<style>', '</style>', '<textarea>', '</textarea>'],
    ...['<xmp>', '</xmp>', '<script/>', '<!-- &amp; -->', '<![CDATA[&amp;]]>', 'text ', 'a=b', '=', '"', "'", '>', ' '],
  );
  it('gives the same tags, attributes and text on generated markup full of entities', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const html = pieces.join('');
        expect(events(html)).toEqual(tokenizerDecodedEvents(html));
      }),
      { numRuns: 20_000 },
    );
  });
});

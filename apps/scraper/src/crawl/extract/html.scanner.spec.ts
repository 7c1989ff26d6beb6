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

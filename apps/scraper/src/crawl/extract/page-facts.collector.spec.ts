import { collectPageFacts, MAX_LINK_HREFS } from './page-facts.collector';

describe('collectPageFacts', () => {
  it('keeps hrefs raw, for resolution once the whole page (and its base) is read', () => {
    const facts = collectPageFacts('<a href=" /a ">a</a><area href=""><base href="/b/"><a>none</a>');
    expect(facts.linkHrefs).toEqual([' /a ', '']);
    expect(facts.baseHref).toBe('/b/');
  });

  it('collects asset URLs of scripts and links, and canonical candidates', () => {
    const facts = collectPageFacts(
      '<link rel="stylesheet" href="/s.css"><link rel="Alternate CANONICAL" href="/c"><script src="/a.js"></script><script>inline</script>',
    );
    expect(facts.assetUrls).toEqual(['/s.css', '/c', '/a.js']);
    expect(facts.canonicalHrefs).toEqual(['/c']);
  });

  it('prefers the description meta to og:description and takes the first of each', () => {
    const facts = collectPageFacts(
      '<meta property="og:description" content="og"><meta name="description" content=" "><meta name="DESCRIPTION" content="named"><meta name="description" content="second">',
    );
    expect(facts.description).toBe('named');
  });

  it('reads visible text only, one block per line', () => {
    const facts = collectPageFacts(
      '<head><title>T</title><style>s</style></head><body><p>One <b>bold</b> line</p><div>Two<br>Three</div>' +
        '<script>code</script><noscript>ns</noscript><template>tpl</template><svg><text>svg</text></svg><textarea>typed</textarea></body>',
    );
    expect(facts.visibleText.split('\n')).toEqual(['One bold line', 'Two', 'Three', 'typed', '']);
  });

  it('shows text again after a self-closing svg and after hidden elements close', () => {
    const facts = collectPageFacts('<svg/><p>after svg</p><noscript><p>x</p></noscript><p>after noscript</p>');
    expect(facts.visibleText).toContain('after svg');
    expect(facts.visibleText).toContain('after noscript');
    expect(facts.visibleText).not.toContain('x');
  });

  it('ends a heading at the next heading or any heading end tag, as HTML parsers do', () => {
    const facts = collectPageFacts('<h1>One<h1>Two</h3><h2>Sub <a href="/">title</a></h2><h1>Three');
    expect(facts.h1).toEqual(['One', 'Two', 'Three']);
    expect(facts.h2).toEqual(['Sub title']);
  });

  it('does not read headings from hidden elements', () => {
    expect(collectPageFacts('<template><h1>Hidden</h1></template><h1>Shown</h1>').h1).toEqual(['Shown']);
  });

  it(`keeps at most ${MAX_LINK_HREFS} hrefs`, () => {
    const facts = collectPageFacts('<a href="/x">'.repeat(MAX_LINK_HREFS + 5));
    expect(facts.linkHrefs).toHaveLength(MAX_LINK_HREFS);
  });
});

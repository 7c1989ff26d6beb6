import { extractPage, MAX_H1 } from './page.extractor';

const page = `<!doctype html>
<html lang="en-GB">
<head>
  <title>  Acme
     Widgets  </title>
  <META NAME="Description" CONTENT=" Widgets for everyone. ">
  <meta property="og:description" content="OG text">
  <meta name="generator" content="WordPress 6.5">
  <link rel="alternate canonical" href="/canonical-page?x=1#frag">
  <script src="/wp-includes/js/jquery/jquery.min.js"></script>
  <script>var e = "hidden@script.io"; var p = "+1 555 0100 9999";</script>
  <style>.a{content:"style@css.io"}</style>
</head>
<body>
  <h1>Welcome</h1><h1> to   Acme </h1><h1></h1>
  <a href="/about">About</a>
  <a href="/about#team">Team</a>
  <a href="https://twitter.com/acme">Twitter</a>
  <a href="https://other.test/x">Other</a>
  <a href="mailto:Sales@Acme.io">Mail</a>
  <a href="tel:+44 20 7946 0958">Call</a>
  <a href="javascript:void(0)">JS</a>
  <a href="ftp://files.acme.io/">FTP</a>
  <area href="/map-area">
  <p>Reach info@acme.io, or call +1 (555) 010-0199.</p>
</body>
</html>`;

describe('extractPage', () => {
  const result = extractPage(page, 'http://acme.io/dir/', { 'x-powered-by': 'PHP/8.2' });

  it('extracts page fields', () => {
    expect(result.title).toBe('Acme Widgets');
    expect(result.description).toBe('Widgets for everyone.');
    expect(result.language).toBe('en-GB');
    expect(result.canonical_url).toBe('http://acme.io/canonical-page?x=1');
    expect(result.h1).toEqual(['Welcome', 'to Acme']);
  });

  it('collects distinct crawlable links, resolved and normalised', () => {
    expect(result.links).toEqual([
      'http://acme.io/about',
      'https://twitter.com/acme',
      'https://other.test/x',
      'http://acme.io/map-area',
    ]);
  });

  it('collects contacts from links and visible text only', () => {
    expect(result.emails).toEqual(['sales@acme.io', 'info@acme.io']);
    expect(result.phones).toEqual(['+442079460958', '+15550100199']);
    expect(result.socials).toEqual([{ platform: 'twitter', url: 'https://twitter.com/acme' }]);
    expect(result.technologies).toEqual(['WordPress', 'jQuery', 'PHP']);
  });

  it('falls back to og:description, honours <base href>, caps h1', () => {
    const html = `<html><head><base href="https://cdn.acme.io/base/"><meta property="og:description" content="From OG"></head>
      <body>${'<h1>x</h1>'.repeat(15)}<a href="rel">r</a></body></html>`;
    const other = extractPage(html, 'http://acme.io/');
    expect(other.description).toBe('From OG');
    expect(other.links).toEqual(['https://cdn.acme.io/base/rel']);
    expect(other.h1).toHaveLength(MAX_H1);
    expect(other.title).toBeNull();
    expect(other.language).toBeNull();
    expect(other.canonical_url).toBeNull();
  });

  it('survives garbage', () => {
    const garbage = extractPage('\u0000<<<>>><a href="http://[bad">x</a><title>t', 'http://acme.io/');
    expect(garbage.links).toEqual([]);
  });
});

import fc from 'fast-check';
import {
  hasNonHtmlExtension,
  normalizeUrl,
  originOf,
  robotsPathOf,
  SiteScope,
  siteHostsFor,
  withoutTrailingDots,
} from './url.normalizer';

describe('normalizeUrl', () => {
  const base = 'http://example.com/dir/page';

  it.each([
    ['HTTP://EXAMPLE.COM:80/a', 'http://example.com/a'],
    ['https://Example.com:443/', 'https://example.com/'],
    ['http://example.com:8080/', 'http://example.com:8080/'],
    ['/about#team', 'http://example.com/about'],
    ['other', 'http://example.com/dir/other'],
    ['../up', 'http://example.com/up'],
    ['?q=1', 'http://example.com/dir/page?q=1'],
    ['/x?', 'http://example.com/x'],
    ['//cdn.example.com/a', 'http://cdn.example.com/a'],
    ['http://user:pass@example.com/', 'http://example.com/'],
    ['http://example.com./a', 'http://example.com/a'],
    ['/a%2fb%c3%a9', 'http://example.com/a%2Fb%C3%A9'],
    ['http://bücher.de/', 'http://xn--bcher-kva.de/'],
    ['  /spaced  ', 'http://example.com/spaced'],
  ])('%s -> %s', (href, expected) => {
    expect(normalizeUrl(href, base)).toBe(expected);
  });

  it.each([
    'mailto:a@b.c',
    'tel:+123',
    'javascript:void(0)',
    ' JavaScript:alert(1)',
    'data:text/html,x',
    'ftp://x/',
    'http://',
    'http://[bad',
  ])('skips %s', (href) => {
    expect(normalizeUrl(href, base)).toBeUndefined();
  });

  it('refuses over-long URLs', () => {
    expect(normalizeUrl(`/${'a'.repeat(3000)}`, base)).toBeUndefined();
  });

  it('is idempotent', () => {
    const once = normalizeUrl('HTTP://Example.COM:80/a/../b/%7e?x=1#f')!;
    expect(normalizeUrl(once)).toBe(once);
  });
});

describe('hasNonHtmlExtension', () => {
  it('detects binary and asset extensions only in the last segment', () => {
    expect(hasNonHtmlExtension('http://a/files/x.PDF')).toBe(true);
    expect(hasNonHtmlExtension('http://a/img/logo.png?v=2')).toBe(true);
    expect(hasNonHtmlExtension('http://a/page.html')).toBe(false);
    expect(hasNonHtmlExtension('http://a/page.php')).toBe(false);
    expect(hasNonHtmlExtension('http://a/v1.2/docs')).toBe(false);
    expect(hasNonHtmlExtension('http://a/.zip')).toBe(false);
    expect(hasNonHtmlExtension('http://a/')).toBe(false);
  });
});

describe('site scope', () => {
  it('covers the domain and its www twin', () => {
    expect(siteHostsFor('example.com')).toEqual(['example.com', 'www.example.com']);
    expect(siteHostsFor('www.example.com')).toEqual(['www.example.com', 'example.com']);
    const scope = new SiteScope('example.com');
    expect(scope.contains('https://www.example.com/x')).toBe(true);
    expect(scope.contains('http://example.com:8080/x')).toBe(true);
    expect(scope.contains('http://blog.example.com/')).toBe(false);
    expect(scope.contains('http://example.com.evil.test/')).toBe(false);
    scope.add('example.net');
    expect(scope.contains('http://www.example.net/')).toBe(true);
  });

  it('gives robots origin and path', () => {
    expect(originOf('https://a.test:8443/x?y')).toBe('https://a.test:8443');
    expect(robotsPathOf('http://a.test/x/y?z=1')).toBe('/x/y?z=1');
  });
});

describe('trailing dots', () => {
  it('are dropped from a host name, and only at the end', () => {
    expect(withoutTrailingDots('a.example.com...')).toBe('a.example.com');
    expect(withoutTrailingDots('a..b')).toBe('a..b');
    expect(withoutTrailingDots('...')).toBe('');
  });

  it('cost linear time on a megabyte of dots that do not reach the end', () => {
    const hostile = `${'.'.repeat(1024 * 1024)}a`;
    const started = performance.now();
    expect(withoutTrailingDots(hostile)).toBe(hostile);
    expect(siteHostsFor(hostile)).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('normalizeUrl against setting every part', () => {
  // The plain formulation: every part set whether it changes or not (each setter re-serialises the URL).
  function settingEveryPart(href: string, base: string): string | undefined {
    let url: URL;
    try {
      url = new URL(href.trim(), base);
    } catch {
      return undefined;
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return undefined;
    url.hash = '';
    url.username = '';
    url.password = '';
    if (url.hostname.endsWith('.')) url.hostname = withoutTrailingDots(url.hostname);
    if (url.search === '' || url.search === '?') url.search = '';
    url.pathname = url.pathname.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase());
    return url.href.length > 2048 ? undefined : url.href;
  }

  const part = fc.constantFrom(
    '',
    'a',
    'B',
    '/',
    '?',
    '#',
    '%',
    '%2f',
    '%2F',
    '%e9',
    '..',
    '.',
    '@',
    ':',
    'u:p@',
    'x=1',
    '&',
    ' ',
    'é',
    '%zz',
  );
  const href = fc
    .tuple(
      fc.constantFrom('', 'http://', 'https://', 'HTTP://', '//', '/', 'ftp://'),
      fc.constantFrom('', 'u@', 'u:p@', ':@'),
      fc.constantFrom('', 'Example.COM', 'example.com.', 'a.b..', '[::1]', '127.0.0.1', 'xn--bcher-kva.de'),
      fc.array(part, { maxLength: 12 }),
    )
    .map(([scheme, userinfo, host, rest]) => `${scheme}${scheme.endsWith('/') ? userinfo + host : ''}${rest.join('')}`);

  it('gives the same URL for any link and base', () => {
    fc.assert(
      fc.property(href, fc.constantFrom('http://example.com/dir/page', 'https://u:p@a.example/x?y#z'), (link, base) => {
        if (/^\s*(?:mailto|tel|sms|javascript|data|ftp|file|blob|about|callto|skype|whatsapp):/i.test(link)) return;
        expect(normalizeUrl(link, base)).toBe(settingEveryPart(link, base));
      }),
      { numRuns: 20_000 },
    );
  });
});

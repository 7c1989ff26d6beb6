import { detectTechnologies, generatorName, markupTechnology, productName } from './technology.detector';
import { PATHOLOGICAL_BUDGET_MS, timed } from './testing/timed';

const MIB = 1024 * 1024;

describe('generatorName', () => {
  it('names generators without versions', () => {
    expect(generatorName('WordPress 6.5.2')).toBe('WordPress');
    expect(generatorName('Hugo 0.120.4')).toBe('Hugo');
    expect(generatorName('Wix.com Website Builder')).toBe('Wix.com Website Builder');
    expect(generatorName('Drupal 10 (https://www.drupal.org)')).toBe('Drupal');
    expect(generatorName('Joomla!;, - Open Source')).toBe('Joomla!');
    expect(generatorName('   ')).toBeUndefined();
  });

  it('cuts a long name on a code point', () => {
    const name = generatorName('\u{1F600}'.repeat(100));
    expect(name).toBe('\u{1F600}'.repeat(30));
  });

  it.each([
    ['1 MiB of ";" before a letter', `${';'.repeat(MIB)}x`],
    ['1 MiB of spaces between words', `a${' '.repeat(MIB)}b`],
    ['1 MiB of one word', 'a'.repeat(MIB)],
  ])('finishes in time on %s', (_case, content) => {
    const { result, ms } = timed(() => generatorName(content));
    expect(ms).toBeLessThan(PATHOLOGICAL_BUDGET_MS);
    expect(result === undefined || result.length <= 60).toBe(true);
  });
});

describe('productName', () => {
  it('takes the product token of server headers', () => {
    expect(productName('nginx/1.25.3')).toBe('nginx');
    expect(productName('Apache/2.4.58 (Ubuntu)')).toBe('Apache');
    expect(productName('Microsoft-IIS/10.0')).toBe('IIS');
    expect(productName('cloudflare')).toBe('Cloudflare');
    expect(productName('PHP/8.2.12')).toBe('PHP');
    expect(productName('Express')).toBe('Express');
    expect(productName('ASP.NET')).toBe('ASP.NET');
    expect(productName('/weird')).toBeUndefined();
  });

  it('returns header text, never a member of Object.prototype', () => {
    expect(productName('constructor')).toBe('constructor');
  });

  it.each([
    ['1 MiB of spaces', ' '.repeat(MIB)],
    ['a token then 1 MiB of spaces', `nginx${' '.repeat(MIB)}x`],
    ['1 MiB of token characters', 'a'.repeat(MIB)],
    ['1 MiB of "a "', 'a '.repeat(MIB / 2)],
  ])('finishes in time on %s', (_case, value) => {
    const { ms } = timed(() => productName(value));
    expect(ms).toBeLessThan(PATHOLOGICAL_BUDGET_MS);
  });
});

describe('markupTechnology', () => {
  it('reads framework root ids on a div and marker attributes on any element', () => {
    expect(markupTechnology('div', 'id', '__next')).toBe('Next.js');
    expect(markupTechnology('div', 'id', '__nuxt')).toBe('Nuxt');
    expect(markupTechnology('div', 'id', '___gatsby')).toBe('Gatsby');
    expect(markupTechnology('main', 'data-reactroot', '')).toBe('React');
    expect(markupTechnology('app-root', 'ng-version', '17.0.0')).toBe('Angular');
  });

  it('ignores other ids, other elements and prototype names', () => {
    expect(markupTechnology('span', 'id', '__next')).toBeUndefined();
    expect(markupTechnology('div', 'class', '__next')).toBeUndefined();
    expect(markupTechnology('div', 'id', 'constructor')).toBeUndefined();
    expect(markupTechnology('div', 'constructor', '')).toBeUndefined();
    expect(markupTechnology('div', 'id', '_'.repeat(MIB))).toBeUndefined();
  });
});

describe('detectTechnologies', () => {
  it('combines generator, assets, markup and headers, de-duplicated', () => {
    const found = detectTechnologies({
      generators: ['WordPress 6.5'],
      assetUrls: [
        '/wp-includes/js/jquery/jquery.min.js?ver=3.7',
        '/_next/static/chunks/main.js',
        'https://cdn.shopify.com/s/files/x.js',
        'https://www.googletagmanager.com/gtm.js?id=GTM-1',
        'https://unpkg.com/react@18/umd/react.production.min.js',
        '/wp-content/themes/x/style.css',
      ],
      markup: ['Next.js', 'Gatsby'],
      headers: { server: 'nginx/1.25', 'x-powered-by': ['PHP/8.2'], 'x-vercel-id': 'abc' },
    });
    expect(found).toEqual([
      'WordPress',
      'jQuery',
      'Next.js',
      'Shopify',
      'Google Tag Manager',
      'React',
      'Gatsby',
      'nginx',
      'PHP',
      'Vercel',
    ]);
  });

  it('recognises versioned jQuery file names', () => {
    const found = detectTechnologies({
      generators: [],
      assetUrls: ['/js/jquery-3.7.1.min.js'],
      markup: [],
      headers: {},
    });
    expect(found).toEqual(['jQuery']);
  });

  it('finds nothing on a plain page', () => {
    expect(detectTechnologies({ generators: [], assetUrls: ['/app.js'], markup: [], headers: {} })).toEqual([]);
  });

  it.each([
    ['a 1 MiB asset URL of "jquery.1"', ['jquery.1'.repeat(MIB / 8)]],
    ['a 1 MiB asset URL of "react"', ['react'.repeat(MIB / 5)]],
    ['500 asset URLs of 2 KiB "jquery.1"', Array.from({ length: 500 }, () => 'jquery.1'.repeat(256))],
  ])('finishes in time on %s', (_case, assetUrls) => {
    const { result, ms } = timed(() => detectTechnologies({ generators: [], assetUrls, markup: [], headers: {} }));
    expect(ms).toBeLessThan(PATHOLOGICAL_BUDGET_MS);
    expect(result).toEqual([]);
  });
});

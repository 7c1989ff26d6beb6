import { detectTechnologies, generatorName, productName } from './technology.detector';

describe('technology detection', () => {
  it('names generators without versions', () => {
    expect(generatorName('WordPress 6.5.2')).toBe('WordPress');
    expect(generatorName('Hugo 0.120.4')).toBe('Hugo');
    expect(generatorName('Wix.com Website Builder')).toBe('Wix.com Website Builder');
    expect(generatorName('Drupal 10 (https://www.drupal.org)')).toBe('Drupal');
    expect(generatorName('   ')).toBeUndefined();
  });

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
      html: '<div id="__next"></div><div id="___gatsby"></div>',
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

  it('finds nothing on a plain page', () => {
    expect(detectTechnologies({ generators: [], assetUrls: ['/app.js'], html: '<p>hi</p>', headers: {} })).toEqual([]);
  });
});

/**
 * Content of the fixture sites. Values are fixed so tests can assert them exactly
 * (see OK_SITE below for the 5-page healthy site and its expected extraction).
 */

export interface FixturePage {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch);

/** The 5 crawlable pages of an "ok" site, and what a crawl must extract from them. */
export const OK_SITE = {
  paths: ['/', '/about', '/contact', '/products', '/blog'],
  titles: {
    '/': 'Acme Fixture Co — Home',
    '/about': 'About us — Acme Fixture Co',
    '/contact': 'Contact — Acme Fixture Co',
    '/products': 'Products — Acme Fixture Co',
    '/blog': 'Blog — Acme Fixture Co',
  } as Readonly<Record<string, string>>,
  descriptions: {
    '/': 'Acme Fixture Co makes dependable test fixtures.',
    '/about': 'Who we are and how we build fixtures.', // served as og:description only
    '/contact': 'How to reach the Acme Fixture Co team.',
    '/products': 'Fixtures, mocks and stubs for every test suite.',
    '/blog': 'Notes from the Acme Fixture Co workshop.',
  } as Readonly<Record<string, string>>,
  emails: ['hello@acme-fixture.com', 'info@acme-fixture.com', 'sales@acme-fixture.com'],
  phones: ['+442079460958', '+15550100199'],
  socials: [
    { platform: 'twitter', url: 'https://twitter.com/acmefixture' },
    { platform: 'linkedin', url: 'https://linkedin.com/company/acme-fixture' },
    { platform: 'github', url: 'https://github.com/acme-fixture' },
    { platform: 'instagram', url: 'https://instagram.com/acmefixture' },
    { platform: 'facebook', url: 'https://facebook.com/acmefixture' },
    { platform: 'youtube', url: 'https://youtube.com/@acmefixture' },
  ],
  technologies: ['WordPress', 'jQuery', 'PHP'],
  /** Linked from the home page but disallowed by robots.txt: must never be requested. */
  disallowedPath: '/private/secret',
} as const;

function layout(
  host: string,
  path: string,
  options: { description?: string; ogDescription?: string; h1: string[]; body: string },
): string {
  const title = OK_SITE.titles[path] ?? 'Acme Fixture Co';
  const meta = [
    options.description ? `<meta name="description" content="${escapeHtml(options.description)}">` : '',
    options.ogDescription ? `<meta property="og:description" content="${escapeHtml(options.ogDescription)}">` : '',
  ].join('\n    ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>${escapeHtml(title)}</title>
    ${meta}
    <meta name="generator" content="WordPress 6.5.2">
    <link rel="canonical" href="http://${host}${path}">
    <link rel="stylesheet" href="/wp-content/themes/acme/style.css">
    <script src="/wp-includes/js/jquery/jquery.min.js"></script>
    <script>var notAnEmail = "script@ignored-domain.com";</script>
  </head>
  <body>
    <nav>
      <a href="/">Home</a> <a href="/about">About</a> <a href="contact">Contact</a>
      <a href="http://${host}/products">Products</a> <a href="/blog#latest">Blog</a>
      <a href="#top">Top</a>
    </nav>
    ${options.h1.map((h) => `<h1>${escapeHtml(h)}</h1>`).join('\n    ')}
    ${options.body}
    <footer>
      <a href="https://twitter.com/acmefixture">Twitter</a>
      <a href="https://www.linkedin.com/company/acme-fixture/">LinkedIn</a>
      <a href="https://github.com/acme-fixture">GitHub</a>
      <a href="https://twitter.com/intent/tweet?text=share">Share</a>
      <a href="https://example.org/partner">Partner</a>
      <a href="mailto:hello@acme-fixture.com?subject=Hi">Mail us</a>
      <a href="tel:+44%2020%207946%200958">Call</a>
      <a href="javascript:void(0)">Menu</a>
    </footer>
  </body>
</html>
`;
}

export function okSitePage(host: string, path: string): FixturePage | undefined {
  const html = (body: string): FixturePage => ({
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'x-powered-by': 'PHP/8.2.12' },
    body,
  });
  switch (path) {
    case '/':
      return html(
        layout(host, path, {
          description: OK_SITE.descriptions['/'],
          h1: ['Welcome to Acme Fixture Co'],
          body: `<main><p>Dependable fixtures since 1999.</p>
      <a href="http://${host}/about#team">Our team</a>
      <a href="${OK_SITE.disallowedPath}">Private area</a>
      <a href="/files/brochure.pdf">Brochure (PDF)</a>
      <a href="/?">Home again</a></main>`,
        }),
      );
    case '/about':
      return html(
        layout(host, path, {
          ogDescription: OK_SITE.descriptions['/about'],
          h1: ['About us', 'Our team'],
          body: '<main><p>Write to info@acme-fixture.com or to logo@2x.png (not an e-mail).</p></main>',
        }),
      );
    case '/contact':
      return html(
        layout(host, path, {
          description: OK_SITE.descriptions['/contact'],
          h1: ['Contact'],
          body: `<main><p>Phone: +1 (555) 010-0199. Version 1.2.3.4 is not a phone number.</p>
      <a href="mailto:sales@acme-fixture.com">Sales</a>
      <a href="https://instagram.com/acmefixture">Instagram</a></main>`,
        }),
      );
    case '/products':
      return html(
        layout(host, path, {
          description: OK_SITE.descriptions['/products'],
          h1: ['Products'],
          body: '<main><ul><li>Fixtures</li><li>Mocks</li></ul></main>',
        }),
      );
    case '/blog':
      return html(
        layout(host, path, {
          description: OK_SITE.descriptions['/blog'],
          h1: ['Blog'],
          body: `<main><a href="https://www.facebook.com/acmefixture">Facebook</a>
      <a href="https://www.youtube.com/@acmefixture">YouTube</a>
      <a href="https://youtu.be/dQw4w9WgXcQ">A video</a></main>`,
        }),
      );
    case OK_SITE.disallowedPath:
      return html('<!doctype html><title>Secret</title><p>robots.txt disallows this page.</p>');
    default:
      return undefined;
  }
}

export function okRobots(host: string): string {
  return `# Acme Fixture Co
User-agent: *
Disallow: /private/
Allow: /

Sitemap: http://${host}/sitemap.xml
`;
}

export const DENY_ALL_ROBOTS = 'User-agent: *\nDisallow: /\n';

export function sitemapXml(host: string, paths: readonly string[]): string {
  const urls = paths.map((path) => `  <url><loc>http://${host}${path}</loc></url>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls}
</urlset>
`;
}

/** A page of a "big" site: /p/<i> links to the next five pages. */
export function bigSitePage(index: number, pages: number): string {
  const links: string[] = [];
  for (let next = index + 1; next <= index + 5 && next < pages; next += 1)
    links.push(`<a href="/p/${next}">Page ${next}</a>`);
  return `<!doctype html><html lang="en"><head><title>Page ${index}</title></head><body><h1>Page ${index}</h1>${links.join(' ')}</body></html>`;
}

/** Home page of a "hostile" site: links to every hostile route. */
export function hostileIndex(): string {
  const routes = [
    '/latin1',
    '/slow-drip',
    '/redirect-loop',
    '/private-ip-redirect',
    '/private-ip-redirect?to=private',
    '/gzip-bomb',
    '/huge',
    '/download',
    '/binary.pdf',
  ];
  return `<!doctype html><html lang="en"><head><title>Hostile fixture</title></head><body><h1>Hostile</h1>${routes
    .map((route) => `<a href="${route}">${route}</a>`)
    .join('\n')}</body></html>`;
}

/** "Café Müller – Preis 5 €" in windows-1252: 0x96 (en dash) and 0x80 (euro) differ from ISO-8859-1. */
export const LATIN1_TITLE = 'Café Müller – Preis 5 €';

export function latin1Page(declareIn: 'header' | 'meta'): FixturePage {
  const encode = (text: string): Buffer =>
    Buffer.from(
      [...text].map((ch) => {
        if (ch === '–') return 0x96;
        if (ch === '€') return 0x80;
        const code = ch.charCodeAt(0);
        if (code > 0xff) throw new Error(`not encodable: ${ch}`);
        return code;
      }),
    );
  const meta = declareIn === 'meta' ? '<meta charset="windows-1252">' : '';
  const body = encode(
    `<!doctype html><html lang="de"><head>${meta}<title>${LATIN1_TITLE}</title></head><body><h1>Grüße aus Köln</h1></body></html>`,
  );
  return {
    status: 200,
    headers: { 'content-type': declareIn === 'header' ? 'text/html; charset=windows-1252' : 'text/html' },
    body,
  };
}

export const PDF_BYTES = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);

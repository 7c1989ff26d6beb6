/**
 * Technology signatures. Each detection names its source in code:
 * - `meta[name=generator]` (e.g. "WordPress 6.5" -> "WordPress"),
 * - script/link URLs (jquery, react, /_next/, gatsby, cdn.shopify.com, wp-content ...),
 * - markup markers (#__next, data-reactroot ...),
 * - response headers: `server` and `x-powered-by` (product token, version dropped) and a few
 *   vendor headers (x-shopify-stage, x-wix-request-id, x-vercel-id, x-generator ...).
 * The output is a list of names (DomainExtraction.technologies is string[]).
 */

export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

const ASSET_SIGNATURES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\/wp-(?:content|includes)\//i, 'WordPress'],
  [/jquery(?:[.-]\d[\w.]*)?(?:\.min)?\.js|\/jquery\//i, 'jQuery'],
  [/react(?:-dom)?(?:\.production|\.development)?(?:\.min)?\.js|\/react(?:-dom)?@/i, 'React'],
  [/\/_next\//i, 'Next.js'],
  [/\/_nuxt\//i, 'Nuxt'],
  [/gatsby|\/page-data\//i, 'Gatsby'],
  [/cdn\.shopify\.com|\/shopify\//i, 'Shopify'],
  [/vue(?:\.runtime)?(?:\.global)?(?:\.prod)?(?:\.min)?\.js|\/vue@/i, 'Vue.js'],
  [/angular(?:\.min)?\.js|\/@angular\//i, 'Angular'],
  [/googletagmanager\.com\/gtm\.js/i, 'Google Tag Manager'],
  [/google-analytics\.com\/|googletagmanager\.com\/gtag\/js/i, 'Google Analytics'],
  [/bootstrap(?:\.bundle)?(?:\.min)?\.(?:js|css)/i, 'Bootstrap'],
  [/static\.squarespace\.com|squarespace-cdn/i, 'Squarespace'],
  [/static\.wixstatic\.com|\.wix\.com\//i, 'Wix'],
  [/\/sites\/(?:all|default)\/(?:modules|themes)\/|\/core\/misc\/drupal/i, 'Drupal'],
  [/\/media\/jui\/|\/components\/com_/i, 'Joomla'],
  [/static\.cloudflareinsights\.com/i, 'Cloudflare'],
];

const MARKUP_SIGNATURES: ReadonlyArray<readonly [RegExp, string]> = [
  [/<div[^>]+id=["']__next["']/i, 'Next.js'],
  [/<div[^>]+id=["']__nuxt["']/i, 'Nuxt'],
  [/<div[^>]+id=["']___gatsby["']/i, 'Gatsby'],
  [/data-reactroot/i, 'React'],
  [/\bng-version=/i, 'Angular'],
];

const CANONICAL_PRODUCT: Readonly<Record<string, string>> = {
  nginx: 'nginx',
  apache: 'Apache',
  'microsoft-iis': 'IIS',
  litespeed: 'LiteSpeed',
  openresty: 'OpenResty',
  cloudflare: 'Cloudflare',
  caddy: 'Caddy',
  php: 'PHP',
  express: 'Express',
  'asp.net': 'ASP.NET',
  'next.js': 'Next.js',
  'wp engine': 'WP Engine',
  vercel: 'Vercel',
  netlify: 'Netlify',
  gunicorn: 'Gunicorn',
  envoy: 'Envoy',
  varnish: 'Varnish',
};

const VENDOR_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['x-shopify-stage', 'Shopify'],
  ['x-wix-request-id', 'Wix'],
  ['x-vercel-id', 'Vercel'],
  ['x-nextjs-cache', 'Next.js'],
  ['x-drupal-cache', 'Drupal'],
  ['x-nf-request-id', 'Netlify'],
];

function headerValue(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** "WordPress 6.5.2" -> "WordPress"; "Hugo 0.120.4" -> "Hugo"; "Wix.com Website Builder" stays. */
export function generatorName(content: string): string | undefined {
  const words: string[] = [];
  for (const word of content.trim().split(/\s+/)) {
    if (/^v?\d/i.test(word) || word.startsWith('(') || word === '-') break;
    words.push(word);
  }
  const name = words
    .join(' ')
    .replace(/[;,]+$/, '')
    .slice(0, 60);
  return name === '' ? undefined : name;
}

/** The product token of a Server / X-Powered-By value: "nginx/1.25.3" -> "nginx", "PHP/8.2" -> "PHP". */
export function productName(value: string): string | undefined {
  const token = /^\s*([A-Za-z][A-Za-z0-9._ -]{0,39}?)(?:\/|\s*\(|\s+\d|\s*$|;|,)/.exec(value)?.[1]?.trim();
  if (!token) return undefined;
  return CANONICAL_PRODUCT[token.toLowerCase()] ?? token;
}

export interface TechnologyInput {
  generators: string[];
  assetUrls: string[];
  html: string;
  headers: HeaderMap;
}

export function detectTechnologies(input: TechnologyInput): string[] {
  const found: string[] = [];
  const add = (name: string | undefined): void => {
    if (name && !found.some((existing) => existing.toLowerCase() === name.toLowerCase())) found.push(name);
  };
  for (const generator of input.generators) add(generatorName(generator));
  for (const url of input.assetUrls) {
    for (const [pattern, name] of ASSET_SIGNATURES) if (pattern.test(url)) add(name);
  }
  const head = input.html.slice(0, 200_000);
  for (const [pattern, name] of MARKUP_SIGNATURES) if (pattern.test(head)) add(name);
  for (const header of ['server', 'x-powered-by']) {
    const value = headerValue(input.headers, header);
    if (value) add(productName(value));
  }
  const xGenerator = headerValue(input.headers, 'x-generator');
  if (xGenerator) add(generatorName(xGenerator));
  for (const [header, name] of VENDOR_HEADERS) if (headerValue(input.headers, header) !== undefined) add(name);
  return found;
}

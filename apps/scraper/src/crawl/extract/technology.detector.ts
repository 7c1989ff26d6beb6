import { wellFormedText } from '@trawl/contracts/text';

/**
 * Technology signatures. Each detection names its source in code:
 * - `meta[name=generator]` (e.g. "WordPress 6.5" -> "WordPress"),
 * - script/link URLs (jquery, react, /_next/, gatsby, cdn.shopify.com, wp-content ...),
 * - markup markers, read from attributes while the page is parsed (div#__next, data-reactroot ...),
 * - response headers: `server` and `x-powered-by` (product token, version dropped) and a few
 *   vendor headers (x-shopify-stage, x-wix-request-id, x-vercel-id, x-generator ...).
 * The output is a list of names (DomainExtraction.technologies is string[]).
 * Every pattern has bounded quantifiers and sees a length-capped input: linear time.
 */

export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

/** Asset URLs are matched on their first this-many characters. */
const MAX_ASSET_URL_LENGTH = 2048;
/** Generator and header values are read on their first this-many characters. */
const MAX_PRODUCT_TEXT = 200;
const MAX_GENERATOR_NAME = 60;

const ASSET_SIGNATURES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\/wp-(?:content|includes)\//i, 'WordPress'],
  [/jquery(?:[.-]\d[\w.]{0,24})?(?:\.min)?\.js|\/jquery\//i, 'jQuery'],
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

// Lookups keyed by page or header text use Maps, not object literals, which would answer
// "constructor" with a member of Object.prototype.

/** Root element ids that frameworks render into: `<div id="__next">`. */
const ROOT_DIV_IDS: ReadonlyMap<string, string> = new Map([
  ['__next', 'Next.js'],
  ['__nuxt', 'Nuxt'],
  ['___gatsby', 'Gatsby'],
]);

/** Attributes that frameworks put on elements they render, whatever their value. */
const MARKER_ATTRIBUTES: ReadonlyMap<string, string> = new Map([
  ['data-reactroot', 'React'],
  ['ng-version', 'Angular'],
]);

const CANONICAL_PRODUCT: ReadonlyMap<string, string> = new Map([
  ['nginx', 'nginx'],
  ['apache', 'Apache'],
  ['microsoft-iis', 'IIS'],
  ['litespeed', 'LiteSpeed'],
  ['openresty', 'OpenResty'],
  ['cloudflare', 'Cloudflare'],
  ['caddy', 'Caddy'],
  ['php', 'PHP'],
  ['express', 'Express'],
  ['asp.net', 'ASP.NET'],
  ['next.js', 'Next.js'],
  ['wp engine', 'WP Engine'],
  ['vercel', 'Vercel'],
  ['netlify', 'Netlify'],
  ['gunicorn', 'Gunicorn'],
  ['envoy', 'Envoy'],
  ['varnish', 'Varnish'],
]);

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
  for (const word of content.slice(0, MAX_PRODUCT_TEXT).trim().split(/\s+/)) {
    if (/^v?\d/i.test(word) || word.startsWith('(') || word === '-') break;
    words.push(word);
  }
  let name = words.join(' ');
  while (name.endsWith(';') || name.endsWith(',')) name = name.slice(0, -1);
  name = wellFormedText(name, MAX_GENERATOR_NAME).trimEnd();
  return name === '' ? undefined : name;
}

/** The product token of a Server / X-Powered-By value: "nginx/1.25.3" -> "nginx", "PHP/8.2" -> "PHP". */
export function productName(value: string): string | undefined {
  const token = /^\s{0,20}([A-Za-z][A-Za-z0-9._ -]{0,39}?)(?:\/|\s{0,20}\(|\s{1,20}\d|\s{0,20}$|;|,)/
    .exec(value.slice(0, MAX_PRODUCT_TEXT))?.[1]
    ?.trim();
  if (!token) return undefined;
  return CANONICAL_PRODUCT.get(token.toLowerCase()) ?? token;
}

/** The technology an attribute of a start tag reveals: `<div id="__next">`, `data-reactroot`, `ng-version`. */
export function markupTechnology(tagName: string, attribute: string, value: string): string | undefined {
  if (attribute === 'id') return tagName === 'div' ? ROOT_DIV_IDS.get(value) : undefined;
  return MARKER_ATTRIBUTES.get(attribute);
}

export interface TechnologyInput {
  generators: readonly string[];
  assetUrls: readonly string[];
  /** Names found by markupTechnology while the page was parsed. */
  markup: readonly string[];
  headers: HeaderMap;
}

export function detectTechnologies(input: TechnologyInput): string[] {
  const found: string[] = [];
  const add = (name: string | undefined): void => {
    if (name && !found.some((existing) => existing.toLowerCase() === name.toLowerCase())) found.push(name);
  };
  for (const generator of input.generators) add(generatorName(generator));
  for (const url of input.assetUrls) {
    const head = url.slice(0, MAX_ASSET_URL_LENGTH);
    for (const [pattern, name] of ASSET_SIGNATURES) if (pattern.test(head)) add(name);
  }
  for (const name of input.markup) add(name);
  for (const header of ['server', 'x-powered-by']) {
    const value = headerValue(input.headers, header);
    if (value) add(productName(value));
  }
  const xGenerator = headerValue(input.headers, 'x-generator');
  if (xGenerator) add(generatorName(xGenerator));
  for (const [header, name] of VENDOR_HEADERS) if (headerValue(input.headers, header) !== undefined) add(name);
  return found;
}

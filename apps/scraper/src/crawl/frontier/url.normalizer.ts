/**
 * URL normalisation and same-site rules for the crawl frontier.
 * WHATWG URL parsing already lowercases scheme and host, converts IDN hosts to punycode, removes
 * default ports, canonicalises IPv4 forms and resolves dot segments; on top of that we drop
 * fragments, credentials, an empty `?`, a trailing dot on the host, and upper-case percent escapes.
 */

export const MAX_URL_LENGTH = 2048;

/** Extensions that are never HTML pages: not fetched at all. */
// prettier-ignore
const NON_HTML_EXTENSIONS = new Set([
  // documents and archives
  'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods', 'odp', 'rtf', 'csv', 'epub',
  'zip', 'gz', 'tgz', 'bz2', 'xz', '7z', 'rar', 'tar', 'zst',
  // executables and images of disks
  'exe', 'msi', 'dmg', 'pkg', 'deb', 'rpm', 'apk', 'ipa', 'iso', 'bin', 'jar',
  // images
  'jpg', 'jpeg', 'png', 'gif', 'webp', 'avif', 'svg', 'ico', 'bmp', 'tif', 'tiff', 'heic', 'psd',
  // audio and video
  'mp3', 'mp4', 'm4a', 'm4v', 'avi', 'mov', 'mkv', 'webm', 'wav', 'ogg', 'oga', 'flac', 'aac', 'wmv', 'flv',
  // fonts and web assets that are not pages
  'woff', 'woff2', 'ttf', 'otf', 'eot', 'css', 'js', 'mjs', 'map', 'json', 'wasm',
]);

const SKIPPED_SCHEMES = /^\s*(?:mailto|tel|sms|javascript|data|ftp|file|blob|about|callto|skype|whatsapp):/i;

/**
 * `host` without trailing dots. A loop, not /\.+$/: that pattern is retried from every dot of a
 * long run that does not reach the end, quadratic on a hostile host name.
 */
export function withoutTrailingDots(host: string): string {
  let end = host.length;
  while (end > 0 && host.charCodeAt(end - 1) === 0x2e) end -= 1;
  return end === host.length ? host : host.slice(0, end);
}

/** Absolute, normalised http(s) URL, or undefined if the link is not crawlable at all. */
export function normalizeUrl(href: string, base?: string | URL): string | undefined {
  if (SKIPPED_SCHEMES.test(href)) return undefined;
  let url: URL;
  try {
    url = base === undefined ? new URL(href) : new URL(href.trim(), base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.hostname === '') return undefined;
  // Each setter re-serialises the whole URL: a page has hundreds of links, so only what changes is set.
  if (url.href.includes('#')) url.hash = '';
  if (url.username !== '') url.username = '';
  if (url.password !== '') url.password = '';
  if (url.hostname.endsWith('.')) url.hostname = withoutTrailingDots(url.hostname);
  // An empty query ("?" alone) reads as '' too.
  if (url.search === '' && url.href.includes('?')) url.search = '';
  const { pathname } = url;
  if (pathname.includes('%')) {
    const upperEscapes = pathname.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase());
    if (upperEscapes !== pathname) url.pathname = upperEscapes;
  }
  const normalised = url.href;
  return normalised.length > MAX_URL_LENGTH ? undefined : normalised;
}

/** True when the URL's path ends in an extension that is never an HTML page. */
export function hasNonHtmlExtension(url: string | URL): boolean {
  const pathname = typeof url === 'string' ? new URL(url).pathname : url.pathname;
  const lastSegment = pathname.slice(pathname.lastIndexOf('/') + 1);
  const dot = lastSegment.lastIndexOf('.');
  if (dot <= 0) return false;
  return NON_HTML_EXTENSIONS.has(lastSegment.slice(dot + 1).toLowerCase());
}

/** The host names that belong to a site: the name itself and its `www.` twin (either way round). */
export function siteHostsFor(hostname: string): string[] {
  const host = withoutTrailingDots(hostname.toLowerCase());
  return host.startsWith('www.') ? [host, host.slice(4)] : [host, `www.${host}`];
}

/** The set of same-site hosts for a crawl; grows when the start page redirects to another host. */
export class SiteScope {
  private readonly hosts = new Set<string>();

  constructor(domain: string) {
    this.add(domain);
  }

  add(hostname: string): void {
    for (const host of siteHostsFor(hostname)) this.hosts.add(host);
  }

  contains(url: string | URL): boolean {
    const hostname = typeof url === 'string' ? new URL(url).hostname : url.hostname;
    return this.hosts.has(hostname.toLowerCase());
  }

  list(): string[] {
    return [...this.hosts];
  }
}

/** Origin (scheme://host[:port]) of a URL, the key for robots.txt. */
export function originOf(url: string | URL): string {
  return (typeof url === 'string' ? new URL(url) : url).origin;
}

/** The path+query that robots.txt rules are matched against. */
export function robotsPathOf(url: string | URL): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  return `${parsed.pathname}${parsed.search}`;
}

/**
 * Contact signals from a page: e-mail addresses, phone numbers and social profile links.
 * Deliberately conservative: a missed number is better than a version string reported as a phone.
 */

const MAX_TEXT_SCAN = 500_000;

// local@domain.tld with bounded quantifiers (no catastrophic backtracking).
const EMAIL_IN_TEXT =
  /[a-z0-9][a-z0-9._%+-]{0,63}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,24}(?![a-z0-9-])/gi;
const EMAIL_EXACT = /^[a-z0-9][a-z0-9._%+-]{0,63}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,24}$/;
/** "TLDs" that are really file extensions: logo@2x.png, bundle@1.2.js ... */
const FAKE_TLDS = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'avif', 'css', 'js', 'ico', 'bmp', 'tiff']);
const PLACEHOLDER_DOMAINS = new Set(['example.com', 'example.org', 'example.net', 'domain.com', 'email.com']);

export function normalizeEmail(candidate: string): string | undefined {
  const email = candidate.trim().toLowerCase();
  if (email.length > 254 || !EMAIL_EXACT.test(email)) return undefined;
  const [local = '', domain = ''] = email.split('@');
  if (local.endsWith('.') || local.includes('..')) return undefined;
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  if (FAKE_TLDS.has(tld) || PLACEHOLDER_DOMAINS.has(domain)) return undefined;
  return email;
}

/** `mailto:a@b.c,d@e.f?subject=x` -> the addresses. */
export function emailsFromMailto(href: string): string[] {
  const match = /^\s*mailto:([^?#]*)/i.exec(href);
  if (!match?.[1]) return [];
  let list = match[1];
  try {
    list = decodeURIComponent(list);
  } catch {
    // keep the raw text
  }
  return list
    .split(/[,;]/)
    .map(normalizeEmail)
    .filter((email): email is string => email !== undefined);
}

export function emailsFromText(text: string): string[] {
  const found: string[] = [];
  for (const match of text.slice(0, MAX_TEXT_SCAN).matchAll(EMAIL_IN_TEXT)) {
    const email = normalizeEmail(match[0]);
    if (email) found.push(email);
  }
  return found;
}

/**
 * Phone numbers are reported as "+<digits>" when written internationally, else as the digits
 * with their separators collapsed. 7..15 digits (E.164 limit).
 */
export function normalizePhone(candidate: string): string | undefined {
  const trimmed = candidate.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return undefined;
  if (/^(?:\+|00)/.test(trimmed)) return `+${trimmed.startsWith('00') ? digits.slice(2) : digits}`;
  return trimmed.replace(/[^\d()+]+/g, ' ').trim();
}

export function phoneFromTel(href: string): string | undefined {
  const match = /^\s*tel:([^?#;]*)/i.exec(href);
  if (!match?.[1]) return undefined;
  let value = match[1];
  try {
    value = decodeURIComponent(value);
  } catch {
    // keep the raw text
  }
  return normalizePhone(value);
}

// "+44 20 7946 0958", "+1 (555) 123-4567", "+49-30-1234567"; and North American "(555) 123-4567".
const INTERNATIONAL_PHONE = /(?<![\w+])\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){2,5}(?![\w])/g;
const NANP_PHONE = /(?<!\+\d{1,3}[ .-]?)(?<![\w(])\(\d{3}\) ?\d{3}[ .-]\d{4}(?![\w])/g;

export function phonesFromText(text: string): string[] {
  const scanned = text.slice(0, MAX_TEXT_SCAN);
  const found: string[] = [];
  for (const pattern of [INTERNATIONAL_PHONE, NANP_PHONE]) {
    for (const match of scanned.matchAll(pattern)) {
      const phone = normalizePhone(match[0]);
      if (phone) found.push(phone);
    }
  }
  return found;
}

export interface SocialLink {
  platform: string;
  url: string;
}

const PLATFORM_BY_HOST: Readonly<Record<string, string>> = {
  'twitter.com': 'twitter',
  'x.com': 'twitter',
  'facebook.com': 'facebook',
  'fb.com': 'facebook',
  'linkedin.com': 'linkedin',
  'instagram.com': 'instagram',
  'youtube.com': 'youtube',
  'youtu.be': 'youtube',
  'github.com': 'github',
  'tiktok.com': 'tiktok',
};

/** First path segments that are share buttons, login walls, posts or widgets, not a profile. */
// prettier-ignore
const NON_PROFILE_SEGMENTS = new Set([
  'intent', 'share', 'sharer', 'sharer.php', 'sharearticle', 'sharing', 'dialog', 'plugins', 'tr', 'login',
  'signup', 'home', 'hashtag', 'search', 'explore', 'watch', 'embed', 'shorts', 'results', 'privacy', 'legal',
  'policies', 'help', 'i', 'p', 'reel', 'about', 'settings', 'feed', 'notifications', 'messages',
]);

/** How many leading path segments identify a profile on each platform. */
function profileSegments(platform: string, segments: string[]): number {
  if (platform === 'linkedin') return 2; // /company/acme, /in/jane
  if (platform === 'youtube' && ['channel', 'c', 'user'].includes(segments[0]?.toLowerCase() ?? '')) return 2;
  return 1; // /acme, /@acme
}

const SUBDOMAIN_PREFIX = /^(?:www|m|mobile|[a-z]{2}(?:-[a-z]{2})?)\./;

/** The social platform a link points to, with a normalised profile URL, or undefined. */
export function socialFromUrl(href: string): SocialLink | undefined {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const fullHost = url.hostname.toLowerCase();
  const parentHost = fullHost.slice(fullHost.indexOf('.') + 1);
  const host = PLATFORM_BY_HOST[fullHost]
    ? fullHost
    : SUBDOMAIN_PREFIX.test(fullHost) && PLATFORM_BY_HOST[parentHost]
      ? parentHost
      : undefined;
  const platform = host === undefined ? undefined : PLATFORM_BY_HOST[host];
  // youtu.be links are single videos, never the site's channel.
  if (!host || !platform || host === 'youtu.be') return undefined;
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const first = segments[0]?.toLowerCase();
  if (first === undefined || NON_PROFILE_SEGMENTS.has(first)) return undefined;
  const wanted = profileSegments(platform, segments);
  if (segments.length < wanted) return undefined;
  return { platform, url: `https://${host}/${segments.slice(0, wanted).join('/')}` };
}

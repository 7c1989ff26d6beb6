/** Links to a site's own profiles on social platforms. */

export interface SocialLink {
  platform: string;
  url: string;
}

// A Map, not an object literal: a host named "constructor" must not find Object.prototype.
const PLATFORM_BY_HOST: ReadonlyMap<string, string> = new Map([
  ['twitter.com', 'twitter'],
  ['x.com', 'twitter'],
  ['facebook.com', 'facebook'],
  ['fb.com', 'facebook'],
  ['linkedin.com', 'linkedin'],
  ['instagram.com', 'instagram'],
  ['youtube.com', 'youtube'],
  ['youtu.be', 'youtube'],
  ['github.com', 'github'],
  ['tiktok.com', 'tiktok'],
]);

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
  const host = PLATFORM_BY_HOST.has(fullHost)
    ? fullHost
    : SUBDOMAIN_PREFIX.test(fullHost) && PLATFORM_BY_HOST.has(parentHost)
      ? parentHost
      : undefined;
  const platform = host === undefined ? undefined : PLATFORM_BY_HOST.get(host);
  // youtu.be links are single videos, never the site's channel.
  if (!host || !platform || host === 'youtu.be') return undefined;
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const first = segments[0]?.toLowerCase();
  if (first === undefined || NON_PROFILE_SEGMENTS.has(first)) return undefined;
  const wanted = profileSegments(platform, segments);
  if (segments.length < wanted) return undefined;
  return { platform, url: `https://${host}/${segments.slice(0, wanted).join('/')}` };
}

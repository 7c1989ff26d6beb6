/**
 * Host-name scheme of the fixture web server (see fixture-web.server.ts for the full table).
 *
 *   [www.]<name>.<kind>.<suffix>          e.g. b7--d1500-shop.slow.fixture.test
 *
 * - <kind> is the right-most label that is a known kind; everything left of it is <name>
 *   (<suffix> is whatever the resolver maps, normally "fixture.test"). A bare "<kind>.<suffix>"
 *   (empty name) is valid too, e.g. hostile.fixture.test.
 * - The last label of <name> is `[<tag>--]<token>[-<token>...]`:
 *     <tag>      groups hosts for the concurrency statistics (no "--": the tag is "" = untagged);
 *     d<ms>      delay every response of the host by <ms> milliseconds (kind "slow" defaults to 1000);
 *     n<count>   number of pages of a "big" site (default 50, max 5000);
 *     any token equal to a private-ip-redirect target (loopback, private, mapped, ...) selects it;
 *     meta       for kind "latin1": declare the charset only in <meta charset> (not in Content-Type).
 * - A leading "www." belongs to the same site: `site` drops it, so a crawl that hops from
 *   x.ok.fixture.test to www.x.ok.fixture.test counts as ONE domain in flight.
 */

export const FIXTURE_KINDS = [
  'ok',
  'slow',
  'down',
  '500',
  '404',
  'robots-deny',
  'to-www',
  'big',
  'hostile',
  'slow-drip',
  'redirect-loop',
  'private-ip-redirect',
  'gzip-bomb',
  'huge',
  'latin1',
  'binary',
  'cpu',
] as const;
export type FixtureKind = (typeof FIXTURE_KINDS)[number];

export const PRIVATE_TARGETS = [
  'loopback',
  'private',
  'mapped',
  'decimal',
  'octal',
  'ipv6',
  'localhost',
  'metadata',
] as const;
export type PrivateTarget = (typeof PRIVATE_TARGETS)[number];

/** Tag of hosts whose name has no "<tag>--" prefix. */
export const UNTAGGED = '';
export const DEFAULT_SLOW_DELAY_MS = 1000;
export const DEFAULT_BIG_PAGES = 50;
const MAX_BIG_PAGES = 5000;
const MAX_DELAY_MS = 600_000;

export interface FixtureHost {
  /** Host name as requested (lowercase, no port, no trailing dot). */
  host: string;
  /** Host without a leading "www.": the unit of the concurrency statistics. */
  site: string;
  kind: FixtureKind;
  name: string;
  tag: string;
  /** Delay before every response, ms (0 = none). */
  delayMs: number;
  /** Page count for "big" sites. */
  pages: number;
  /** Target for private-ip-redirect. */
  target: PrivateTarget;
  /** True for www.<...> hosts. */
  www: boolean;
  /** Dash-separated tokens of the name's last label (after the tag). */
  tokens: string[];
}

export function hostFromHeader(header: string | undefined): string {
  if (!header) return '';
  let host = header.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(':');
  if (colon !== -1) host = host.slice(0, colon);
  return host.replace(/\.+$/, '');
}

export function parseFixtureHost(hostname: string): FixtureHost | undefined {
  const host = hostname.toLowerCase().replace(/\.+$/, '');
  const labels = host.split('.');
  let kindIndex = -1;
  for (let i = labels.length - 1; i >= 0; i -= 1) {
    if ((FIXTURE_KINDS as readonly string[]).includes(labels[i]!)) {
      kindIndex = i;
      break;
    }
  }
  if (kindIndex === -1) return undefined;
  const kind = labels[kindIndex] as FixtureKind;
  const nameLabels = labels.slice(0, kindIndex);
  const www = nameLabels[0] === 'www';
  const name = nameLabels.join('.');
  const last = nameLabels[nameLabels.length - 1] ?? '';
  const separator = last.indexOf('--');
  const tag = separator === -1 ? UNTAGGED : last.slice(0, separator);
  const rest = separator === -1 ? last : last.slice(separator + 2);
  const tokens = rest.split('-');

  let delayMs = kind === 'slow' ? DEFAULT_SLOW_DELAY_MS : 0;
  let pages = DEFAULT_BIG_PAGES;
  let target: PrivateTarget = 'loopback';
  for (const token of tokens) {
    const delay = /^d(\d{1,7})$/.exec(token);
    if (delay) delayMs = Math.min(Number(delay[1]), MAX_DELAY_MS);
    const count = /^n(\d{1,5})$/.exec(token);
    if (count) pages = Math.max(1, Math.min(Number(count[1]), MAX_BIG_PAGES));
    if ((PRIVATE_TARGETS as readonly string[]).includes(token)) target = token as PrivateTarget;
  }
  const site = www ? host.slice(4) : host;
  return { host, site, kind, name, tag, delayMs, pages, target, www, tokens };
}

/** Builds a host name of the scheme: fixtureHost('ok', 'b1--a') -> "b1--a.ok.fixture.test". */
export function fixtureHost(kind: FixtureKind, name = 'site', suffix = 'fixture.test'): string {
  return name === '' ? `${kind}.${suffix}` : `${name}.${kind}.${suffix}`;
}

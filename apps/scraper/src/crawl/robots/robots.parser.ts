import { RobotsRuleSet, type RobotsRuleLine } from './robots.rule-set';

/**
 * robots.txt per RFC 9309.
 * - Groups start with one or more `user-agent` lines; a group for our product token (case-insensitive,
 *   compared up to the first "/" or space of the line's value) wins over `*`; several matching groups
 *   are merged. No matching group and no `*` group: everything is allowed.
 * - `allow` / `disallow` rules: see RobotsRuleSet (compiled once, bounded cost per URL).
 * - `crawl-delay` (seconds, decimals allowed) of the selected group(s); the largest if several.
 * - `sitemap` lines are collected whatever group they are in.
 */

export const ROBOTS_MAX_BYTES = 500 * 1024;

export interface RobotsRules {
  isAllowed(pathAndQuery: string): boolean;
  readonly sitemaps: string[];
  /** Crawl-delay of the selected group(s) in milliseconds; undefined when absent or invalid. */
  readonly crawlDelayMs: number | undefined;
}

interface Group {
  agents: string[];
  rules: RobotsRuleLine[];
  crawlDelayMs: number | undefined;
}

const MAX_SITEMAPS = 50;

function productTokenOf(value: string): string {
  return value.trim().split(/[\s/]/, 1)[0]!.toLowerCase();
}

/** Milliseconds for a non-negative decimal number of seconds, else undefined. */
export function parseCrawlDelay(value: string): number | undefined {
  if (!/^[0-9.]+$/.test(value)) return undefined;
  const seconds = Number(value); // NaN for "1.2.3" or "."
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined;
}

/** Parses a robots.txt body (callers pass at most ROBOTS_MAX_BYTES of it) for the given product token. */
export function parseRobots(text: string, productToken: string): RobotsRules {
  const groups: Group[] = [];
  const sitemaps: string[] = [];
  let current: Group | undefined;
  let lastWasAgent = false;

  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    const hash = rawLine.indexOf('#');
    const line = (hash === -1 ? rawLine : rawLine.slice(0, hash)).trim();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();

    if (key === 'user-agent' || key === 'useragent' || key === 'user agent') {
      if (!current || !lastWasAgent) {
        current = { agents: [], rules: [], crawlDelayMs: undefined };
        groups.push(current);
      }
      current.agents.push(productTokenOf(value));
      lastWasAgent = true;
    } else if (key === 'sitemap') {
      // Sitemap lines belong to no group and do not end a run of user-agent lines.
      if (value && sitemaps.length < MAX_SITEMAPS) sitemaps.push(value);
    } else if (key === 'allow' || key === 'disallow') {
      lastWasAgent = false;
      current?.rules.push({ allow: key === 'allow', value });
    } else if (key === 'crawl-delay') {
      lastWasAgent = false; // a member of its group, like a rule
      const delayMs = parseCrawlDelay(value);
      if (current && delayMs !== undefined) current.crawlDelayMs = Math.max(current.crawlDelayMs ?? 0, delayMs);
    }
    // Other keys (host, ...) are ignored and do not split groups.
  }

  const selected = selectGroups(groups, productToken.toLowerCase());
  const ruleSet = new RobotsRuleSet(selected.flatMap((group) => group.rules));
  return {
    sitemaps,
    crawlDelayMs: largestCrawlDelay(selected),
    isAllowed: (pathAndQuery) => ruleSet.isAllowed(pathAndQuery),
  };
}

function selectGroups(groups: readonly Group[], token: string): Group[] {
  const ours = groups.filter((group) => group.agents.includes(token));
  return ours.length > 0 ? ours : groups.filter((group) => group.agents.includes('*'));
}

function largestCrawlDelay(groups: readonly Group[]): number | undefined {
  let largest: number | undefined;
  for (const { crawlDelayMs } of groups) {
    if (crawlDelayMs !== undefined && (largest === undefined || crawlDelayMs > largest)) largest = crawlDelayMs;
  }
  return largest;
}

export const ALLOW_ALL: RobotsRules = { sitemaps: [], crawlDelayMs: undefined, isAllowed: () => true };
export const DISALLOW_ALL: RobotsRules = {
  sitemaps: [],
  crawlDelayMs: undefined,
  isAllowed: (path) => path === '/robots.txt',
};

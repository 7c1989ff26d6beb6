/**
 * robots.txt per RFC 9309.
 * - Groups start with one or more `user-agent` lines; a group for our product token (case-insensitive,
 *   compared up to the first "/" or space of the line's value) wins over `*`; several matching groups
 *   are merged. No matching group and no `*` group: everything is allowed.
 * - `allow` / `disallow` rules match the URL's path+query as a prefix, with `*` (any sequence) and a
 *   trailing `$` (end of path). The longest matching rule (in octets) wins; on a tie, allow wins.
 *   An empty rule value matches nothing. `/robots.txt` itself is always allowed.
 * - `sitemap` lines are collected whatever group they are in.
 * Matching is a linear two-pointer wildcard match, never a regex built from the file (no ReDoS).
 */

export const ROBOTS_MAX_BYTES = 500 * 1024;

interface Rule {
  allow: boolean;
  /** percent-normalised pattern without the trailing `$` */
  pattern: string;
  anchored: boolean;
  /** length in octets of the original pattern, for "longest match wins" */
  length: number;
}

interface Group {
  agents: string[];
  rules: Rule[];
}

export interface RobotsRules {
  isAllowed(pathAndQuery: string): boolean;
  readonly sitemaps: string[];
}

const MAX_RULES = 10_000;
const encoder = new TextEncoder();
const MAX_SITEMAPS = 50;

/** Upper-cases percent escapes and percent-encodes everything outside printable ASCII, octet-wise. */
export function normalizeRobotsPath(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code > 0x20 && code < 0x7f) {
      out += ch;
    } else {
      for (const byte of encoder.encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase());
}

/** Wildcard match of `path` against `pattern` (`*` = any run of characters), anchored at both ends. */
function wildcardMatch(pattern: string, path: string): boolean {
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < path.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === path[s]) {
      p += 1;
      s += 1;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p;
      starS = s;
      p += 1;
    } else if (starP !== -1) {
      p = starP + 1;
      starS += 1;
      s = starS;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p += 1;
  return p === pattern.length;
}

export function ruleMatches(rule: Pick<Rule, 'pattern' | 'anchored'>, path: string): boolean {
  // An unanchored rule is a prefix match: the same as the pattern followed by "*".
  return wildcardMatch(rule.anchored ? rule.pattern : `${rule.pattern}*`, path);
}

function productTokenOf(value: string): string {
  return value.trim().split(/[\s/]/, 1)[0]!.toLowerCase();
}

/** Parses a robots.txt body (callers pass at most ROBOTS_MAX_BYTES of it) for the given product token. */
export function parseRobots(text: string, productToken: string): RobotsRules {
  const groups: Group[] = [];
  const sitemaps: string[] = [];
  let current: Group | undefined;
  let lastWasAgent = false;
  let ruleCount = 0;

  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    const hash = rawLine.indexOf('#');
    const line = (hash === -1 ? rawLine : rawLine.slice(0, hash)).trim();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();

    if (key === 'user-agent' || key === 'useragent' || key === 'user agent') {
      if (!current || !lastWasAgent) {
        current = { agents: [], rules: [] };
        groups.push(current);
      }
      current.agents.push(productTokenOf(value));
      lastWasAgent = true;
      continue;
    }
    if (key === 'sitemap') {
      if (value && sitemaps.length < MAX_SITEMAPS) sitemaps.push(value);
      continue; // sitemap lines do not end a user-agent run
    }
    if (key === 'allow' || key === 'disallow') {
      lastWasAgent = false;
      if (!current || value === '' || ruleCount >= MAX_RULES) continue;
      const anchored = value.endsWith('$');
      const body = anchored ? value.slice(0, -1) : value;
      const pattern = normalizeRobotsPath(body).replace(/\*+/g, '*');
      current.rules.push({ allow: key === 'allow', pattern, anchored, length: encoder.encode(value).length });
      ruleCount += 1;
      continue;
    }
    // Unknown keys (crawl-delay, host, ...) are ignored and do not split groups.
  }

  const token = productToken.toLowerCase();
  let rules = groups.filter((g) => g.agents.includes(token)).flatMap((g) => g.rules);
  if (!groups.some((g) => g.agents.includes(token))) {
    rules = groups.filter((g) => g.agents.includes('*')).flatMap((g) => g.rules);
  }

  return {
    sitemaps,
    isAllowed(pathAndQuery: string): boolean {
      const path = normalizeRobotsPath(pathAndQuery || '/');
      if (path === '/robots.txt') return true;
      let best: Rule | undefined;
      for (const rule of rules) {
        if (!ruleMatches(rule, path)) continue;
        if (!best || rule.length > best.length || (rule.length === best.length && rule.allow && !best.allow)) {
          best = rule;
        }
      }
      return best ? best.allow : true;
    },
  };
}

export const ALLOW_ALL: RobotsRules = { sitemaps: [], isAllowed: () => true };
export const DISALLOW_ALL: RobotsRules = { sitemaps: [], isAllowed: (path) => path === '/robots.txt' };

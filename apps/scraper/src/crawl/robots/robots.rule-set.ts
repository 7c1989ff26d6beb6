import { MAX_URL_LENGTH } from '../frontier/url.normalizer';
import { PrefixTree } from './prefix-tree';
import { normalizeRobotsPath } from './robots.path';
import {
  parseRobotsPattern,
  robotsPatternLength,
  robotsPatternMatches,
  widenRobotsPattern,
  type RobotsPattern,
} from './robots.pattern';

export interface RobotsRuleLine {
  allow: boolean;
  /** The value as written, trimmed. */
  value: string;
}

/*
 * Caps on the cost of one decision. A decision walks the path once through a prefix tree of the
 * rules' literal prefixes (the text before the first `*`), so rules without `*` cost nothing per
 * rule and are only limited by the 500 KiB the loader reads. Each rule with `*` whose prefix matches
 * costs one pass over the path plus one indexOf per `*`, so those are capped:
 * at most MAX_WILDCARD_RULES rules × (MAX_MATCHED_PATH_LENGTH + MAX_RULE_LENGTH) characters and
 * MAX_RULE_WILDCARDS indexOf calls each.
 */
/** Longer rules (after normalisation) are widened (disallow) or dropped (allow). */
export const MAX_RULE_LENGTH = 500;
/** Rules with more `*` are widened (disallow) or dropped (allow). */
export const MAX_RULE_WILDCARDS = 10;
/** Rules with `*` kept for the selected group(s): disallows first, then allows, in file order. */
export const MAX_WILDCARD_RULES = 1_000;
/** Longer paths are never produced by the frontier (normalizeUrl); if asked, they are disallowed. */
export const MAX_MATCHED_PATH_LENGTH = MAX_URL_LENGTH;

interface CompiledRule {
  allow: boolean;
  pattern: RobotsPattern;
  /** Length of the value as written, in octets: the longest matching rule wins (RFC 9309 §2.2.2). */
  octets: number;
}

/**
 * The allow/disallow rules of the selected group(s), compiled once per host (RFC 9309 §2.2.2):
 * the longest matching rule wins, allow wins a tie, no match allows, `/robots.txt` is always allowed.
 */
export class RobotsRuleSet {
  private readonly byPrefix = new PrefixTree<CompiledRule>();

  constructor(lines: readonly RobotsRuleLine[]) {
    const seen = new Set<string>();
    const wildcardDisallows: CompiledRule[] = [];
    const wildcardAllows: CompiledRule[] = [];
    for (const line of lines) {
      if (line.value === '') continue; // an empty value matches nothing
      const rule = boundedRule(line);
      if (!rule) continue;
      const key = ruleKey(rule);
      if (seen.has(key)) continue;
      seen.add(key);
      if (rule.pattern.segments.length === 0) this.byPrefix.add(rule.pattern.prefix, rule);
      else (rule.allow ? wildcardAllows : wildcardDisallows).push(rule);
    }
    // Past the budget, allows go first: dropping an allow can only make us crawl less. Disallows past
    // it are ignored: a group with more than 1,000 wildcard rules is hostile or broken, and widening
    // them all to their prefix would shut most sites out over one bad rule.
    for (const rule of [...wildcardDisallows, ...wildcardAllows].slice(0, MAX_WILDCARD_RULES)) {
      this.byPrefix.add(rule.pattern.prefix, rule);
    }
  }

  isAllowed(pathAndQuery: string): boolean {
    if (pathAndQuery.length > MAX_MATCHED_PATH_LENGTH) return false;
    const path = normalizeRobotsPath(pathAndQuery || '/');
    if (path === '/robots.txt') return true;
    if (path.length > MAX_MATCHED_PATH_LENGTH) return false;
    let best: CompiledRule | undefined;
    for (const rules of this.byPrefix.valuesForPrefixesOf(path)) {
      for (const rule of rules) {
        if (best && !outranks(rule, best)) continue;
        if (robotsPatternMatches(rule.pattern, path)) best = rule;
      }
    }
    return best ? best.allow : true;
  }
}

function boundedRule({ allow, value }: RobotsRuleLine): CompiledRule | undefined {
  const pattern = parseRobotsPattern(value);
  const octets = Buffer.byteLength(value, 'utf8');
  if (pattern.segments.length <= MAX_RULE_WILDCARDS && robotsPatternLength(pattern) <= MAX_RULE_LENGTH) {
    return { allow, pattern, octets };
  }
  // Over a cap, err towards crawling less (RFC 9309 asks crawlers to honour the rules they parse):
  // a disallow is widened to a pattern matching every path it matched, and keeps its precedence;
  // an allow is dropped, so the paths it would have opened stay under the other rules.
  if (allow) return undefined;
  return { allow, pattern: widenRobotsPattern(pattern, MAX_RULE_LENGTH, MAX_RULE_WILDCARDS), octets };
}

function ruleKey({ allow, pattern, octets }: CompiledRule): string {
  return `${allow ? 'A' : 'D'}${octets}${pattern.anchored ? '$' : ''} ${pattern.prefix}*${pattern.segments.join('*')}`;
}

function outranks(rule: CompiledRule, best: CompiledRule): boolean {
  return rule.octets > best.octets || (rule.octets === best.octets && rule.allow && !best.allow);
}

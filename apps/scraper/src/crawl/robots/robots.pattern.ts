import { normalizeRobotsPath } from './robots.path';

/**
 * An allow/disallow value, compiled: `prefix*segments[0]*…*segments[n-1]`, with `anchored` for a
 * trailing `$`. A value without `*` has no segments and is a plain prefix (anchored: exact) match.
 * Runs of `*` are collapsed, and a trailing `*` is dropped: a rule is a prefix match anyway.
 */
export interface RobotsPattern {
  readonly prefix: string;
  readonly segments: readonly string[];
  readonly anchored: boolean;
}

export function parseRobotsPattern(value: string): RobotsPattern {
  const anchored = value.endsWith('$');
  return fromNormalized(normalizeRobotsPath(anchored ? value.slice(0, -1) : value), anchored);
}

function fromNormalized(text: string, anchored: boolean): RobotsPattern {
  const [prefix = '', ...rest] = text.split('*');
  // After a trailing `*` a `$` constrains nothing: `/a*$` matches what `/a` matches.
  const endsWithWildcard = rest.length > 0 && rest.at(-1) === '';
  return { prefix, segments: rest.filter((segment) => segment !== ''), anchored: anchored && !endsWithWildcard };
}

/** Length in characters of the pattern as written (after normalisation), `*` and `$` included. */
export function robotsPatternLength(pattern: RobotsPattern): number {
  let length = pattern.prefix.length + (pattern.anchored ? 1 : 0);
  for (const segment of pattern.segments) length += 1 + segment.length;
  return length;
}

/**
 * Whether `path` (normalised) matches. Each segment is found with indexOf after the previous one:
 * taking the leftmost occurrence never loses a match, so this is one forward pass over the path,
 * O(path length + pattern length) plus one indexOf call per segment, with no backtracking.
 */
export function robotsPatternMatches(pattern: RobotsPattern, path: string): boolean {
  const { prefix, segments, anchored } = pattern;
  if (!path.startsWith(prefix)) return false;
  if (segments.length === 0) return !anchored || path.length === prefix.length;
  let position = prefix.length;
  const last = segments.length - 1;
  for (let i = 0; i < last; i += 1) {
    const segment = segments[i]!;
    const at = path.indexOf(segment, position);
    if (at === -1) return false;
    position = at + segment.length;
  }
  const tail = segments[last]!;
  if (!anchored) return path.includes(tail, position);
  return path.length - tail.length >= position && path.endsWith(tail);
}

/**
 * A pattern that matches every path `pattern` matches, and possibly more, with at most `maxWildcards`
 * `*` and at most `maxLength` characters: middle segments are dropped first (the prefix and the
 * last segment, with its `$`, stay), then the text is cut and the anchor dropped.
 */
export function widenRobotsPattern(pattern: RobotsPattern, maxLength: number, maxWildcards: number): RobotsPattern {
  let widened = pattern;
  if (pattern.segments.length > maxWildcards) {
    const kept = maxWildcards > 0 ? [...pattern.segments.slice(0, maxWildcards - 1), pattern.segments.at(-1)!] : [];
    widened = { ...pattern, segments: kept, anchored: maxWildcards > 0 && pattern.anchored };
  }
  if (robotsPatternLength(widened) <= maxLength) return widened;
  const text = [widened.prefix, ...widened.segments].join('*');
  return fromNormalized(text.slice(0, maxLength), false);
}

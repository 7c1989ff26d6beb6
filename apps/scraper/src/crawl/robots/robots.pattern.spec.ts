import { parseRobotsPattern, robotsPatternLength, robotsPatternMatches, widenRobotsPattern } from './robots.pattern';

const matches = (value: string, path: string): boolean => robotsPatternMatches(parseRobotsPattern(value), path);

describe('parseRobotsPattern', () => {
  it('splits a value into its literal prefix and the segments after each *', () => {
    expect(parseRobotsPattern('/shop/*/item*.php$')).toEqual({
      prefix: '/shop/',
      segments: ['/item', '.php'],
      anchored: true,
    });
    expect(parseRobotsPattern('/plain')).toEqual({ prefix: '/plain', segments: [], anchored: false });
  });

  it('collapses runs of * and drops a trailing * (and a $ after it): a rule is a prefix match anyway', () => {
    expect(parseRobotsPattern('/a**b')).toEqual({ prefix: '/a', segments: ['b'], anchored: false });
    expect(parseRobotsPattern('/a*')).toEqual({ prefix: '/a', segments: [], anchored: false });
    expect(parseRobotsPattern('/a*$')).toEqual({ prefix: '/a', segments: [], anchored: false });
  });

  it('percent-normalises the value', () => {
    expect(parseRobotsPattern('/café*%2f')).toEqual({ prefix: '/caf%C3%A9', segments: ['%2F'], anchored: false });
  });
});

describe('robotsPatternMatches', () => {
  it('matches a value without * as a prefix, or exactly with $', () => {
    expect(matches('/shop', '/shop/cart')).toBe(true);
    expect(matches('/shop', '/sho')).toBe(false);
    expect(matches('/shop$', '/shop')).toBe(true);
    expect(matches('/shop$', '/shop/cart')).toBe(false);
  });

  it('finds the segments in order, anywhere after the prefix', () => {
    expect(matches('/*a*b', '/xxaxxbxx')).toBe(true);
    expect(matches('/*a*b', '/xxbxxaxx')).toBe(false);
    expect(matches('/*sort=', '/list?page=2&sort=asc')).toBe(true);
  });

  it('anchors the last segment at the end with $, after the earlier segments', () => {
    expect(matches('/*.php$', '/index.php')).toBe(true);
    expect(matches('/*.php$', '/index.php?x=1')).toBe(false);
    expect(matches('/a*b*b$', '/ab')).toBe(false);
    expect(matches('/a*b*b$', '/abb')).toBe(true);
    expect(matches('/a*b*b$', '/abxbxb')).toBe(true);
  });

  it('takes linear time on patterns that make a backtracking matcher quadratic (1 MiB path)', () => {
    const path = `/${'a'.repeat(1024 * 1024)}`;
    const started = performance.now();
    expect(matches(`/*${'a'.repeat(500)}b$`, path)).toBe(false);
    expect(matches(`/${'*a'.repeat(200)}*b`, path)).toBe(false);
    expect(matches(`/${'*a'.repeat(200)}$`, path)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe('widenRobotsPattern', () => {
  const paths = ['/x/a1b2c3.pdf', '/x/abc.pdf', '/x/c.pdf', '/x/abc.pdf?q', '/y/abc.pdf', '/x/cba.pdf', '/x/abc.html'];

  it('with too many *, keeps the prefix, the first segments and the last one with its $', () => {
    const pattern = parseRobotsPattern('/x/*a*b*c*.pdf$');
    const widened = widenRobotsPattern(pattern, 500, 2);
    expect(widened).toEqual({ prefix: '/x/', segments: ['a', '.pdf'], anchored: true });
    for (const path of paths.filter((p) => robotsPatternMatches(pattern, p))) {
      expect(robotsPatternMatches(widened, path)).toBe(true);
    }
    expect(robotsPatternMatches(widened, '/x/cba.pdf')).toBe(true); // matched now, not before
  });

  it('when too long, cuts the text and drops the anchor: a prefix of a rule matches more', () => {
    const pattern = parseRobotsPattern(`/x/*abc*${'d'.repeat(50)}.pdf$`);
    const widened = widenRobotsPattern(pattern, 10, 10);
    expect(robotsPatternLength(widened)).toBeLessThanOrEqual(10);
    expect(widened).toEqual({ prefix: '/x/', segments: ['abc', 'dd'], anchored: false });
    expect(robotsPatternMatches(widened, `/x/abc${'d'.repeat(50)}.pdf`)).toBe(true);
  });

  it('leaves a pattern within the limits as it is', () => {
    const pattern = parseRobotsPattern('/x/*a*b$');
    expect(widenRobotsPattern(pattern, 500, 10)).toBe(pattern);
  });
});

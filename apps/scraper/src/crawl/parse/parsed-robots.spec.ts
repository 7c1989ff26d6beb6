import { parseRobots } from '../robots/robots.parser';
import type { RobotsRef } from './parse.tasks';
import { DEFAULT_ROBOTS_KEPT, keptBytesOf, ParsedRobots, robotsKeptFor } from './parsed-robots';

const refOf = (n: number, text = 'User-agent: *\nDisallow: /private/\n'): RobotsRef => ({
  robotsId: `robots-${n}`,
  origin: `http://s${n}.test`,
  text,
  productToken: 'TrawlBot',
});

/** Asks about each crawl's robots.txt in turn, as page tasks of crawls in flight reach one thread. */
function askInTurn(robots: ParsedRobots, crawls: number, rounds: number): void {
  for (let round = 0; round < rounds; round += 1) {
    for (let crawl = 0; crawl < crawls; crawl += 1) robots.rulesFor(refOf(crawl));
  }
}

describe('the parsed robots.txt a parse thread keeps', () => {
  it('parses each crawl’s robots.txt once when the thread keeps enough for the crawls in flight', () => {
    const robots = new ParsedRobots(robotsKeptFor(100));
    askInTurn(robots, 100, 10);
    expect(robots.parsed).toBe(100);
  });

  it('would parse on every ask with fewer kept than crawls in flight (what 64 did for 100 crawls)', () => {
    const robots = new ParsedRobots(DEFAULT_ROBOTS_KEPT);
    askInTurn(robots, 100, 10);
    expect(robots.parsed).toBe(1000);
  });

  it('keeps no more (estimated) heap than its budget, least recently asked out first', () => {
    const text = `User-agent: *\n${'Disallow: /x/\n'.repeat(100)}`;
    const robots = new ParsedRobots({ entries: 100, heapBytes: 3 * keptBytesOf(text) });
    for (const n of [1, 2, 3, 1, 4, 1]) robots.rulesFor(refOf(n, text));
    // 4 pushed out 2 (1 had just been asked about); the last ask about 1 was kept.
    expect(robots.parsed).toBe(4);
    robots.rulesFor(refOf(2, text));
    expect(robots.parsed).toBe(5);
  });

  it('takes a quarter of a parse thread’s heap, and entries for two origins per crawl in flight', () => {
    expect(robotsKeptFor(100, 256)).toEqual({ entries: 200, heapBytes: 64 * 1024 * 1024 });
    expect(robotsKeptFor(10, 64)).toEqual({ entries: 64, heapBytes: 16 * 1024 * 1024 });
  });

  it('gives the rules the text says', () => {
    const robots = new ParsedRobots(DEFAULT_ROBOTS_KEPT);
    const rules = robots.rulesFor(refOf(1));
    expect(rules.isAllowed('/private/a')).toBe(false);
    expect(rules.isAllowed('/public')).toBe(true);
    expect(rules.isAllowed('/private/a')).toBe(parseRobots(refOf(1).text, 'TrawlBot').isAllowed('/private/a'));
  });
});

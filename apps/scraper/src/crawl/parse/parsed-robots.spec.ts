import { parseRobots } from '../robots/robots.parser';
import type { RobotsRef } from './parse.tasks';
import { DEFAULT_ROBOTS_KEPT, keptBytesOf, ParsedRobots, robotsKeptFor } from './parsed-robots';

const refOf = (n: number, text = 'User-agent: *\nDisallow: /private/\n'): RobotsRef => ({
  robotsId: `robots-${n}`,
  origin: `http://s${n}.test`,
  text,
  productToken: 'TrawlBot',
});

/** Asks about each crawl's robots.txt in turn, as page tasks of crawls in flight reach one thread: the parses. */
function askInTurn(robots: ParsedRobots, crawls: number, rounds: number): number {
  let parses = 0;
  for (let round = 0; round < rounds; round += 1) {
    for (let crawl = 0; crawl < crawls; crawl += 1) if (robots.rulesFor(refOf(crawl)).parsed) parses += 1;
  }
  return parses;
}

describe('the parsed robots.txt a parse thread keeps', () => {
  it('parses each crawl’s robots.txt once when the thread keeps enough for the crawls in flight', () => {
    expect(askInTurn(new ParsedRobots(robotsKeptFor(100)), 100, 10)).toBe(100);
  });

  it('would parse on every ask with fewer kept than crawls in flight (what 64 did for 100 crawls)', () => {
    expect(askInTurn(new ParsedRobots(DEFAULT_ROBOTS_KEPT), 100, 10)).toBe(1000);
  });

  it('keeps no more (estimated) heap than its budget, least recently asked out first', () => {
    const text = `User-agent: *\n${'Disallow: /x/\n'.repeat(100)}`;
    const robots = new ParsedRobots({ entries: 100, heapBytes: 3 * keptBytesOf(text) });
    const parsed = [1, 2, 3, 1, 4, 1, 2].map((n) => robots.rulesFor(refOf(n, text)).parsed);
    // 4 pushed out 2 (1 had just been asked about), so 2 is parsed again; 1 stayed.
    expect(parsed).toEqual([true, true, true, false, true, false, true]);
  });

  it('takes a quarter of a parse thread’s heap, and entries for two origins per crawl in flight', () => {
    expect(robotsKeptFor(100, 256)).toEqual({ entries: 200, heapBytes: 64 * 1024 * 1024 });
    expect(robotsKeptFor(10, 64)).toEqual({ entries: 64, heapBytes: 16 * 1024 * 1024 });
  });

  it('gives the rules the text says', () => {
    const robots = new ParsedRobots(DEFAULT_ROBOTS_KEPT);
    const { rules } = robots.rulesFor(refOf(1));
    expect(rules.isAllowed('/private/a')).toBe(false);
    expect(rules.isAllowed('/public')).toBe(true);
    expect(rules.isAllowed('/private/a')).toBe(parseRobots(refOf(1).text, 'TrawlBot').isAllowed('/private/a'));
  });
});

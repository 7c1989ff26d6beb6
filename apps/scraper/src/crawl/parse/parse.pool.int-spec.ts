import { ParsePool } from './parse.pool';
import type { RobotsTask } from './parse.tasks';
import { DEFAULT_ROBOTS_KEPT, type RobotsKept, robotsKeptFor } from './parsed-robots';

const CRAWLS = 200;
const ROUNDS = 3;

const question = (crawl: number): RobotsTask => ({
  task: 'robots',
  url: `http://s${crawl}.test/robots.txt`,
  robotsId: `robots-${crawl}`,
  origin: `http://s${crawl}.test`,
  text: `User-agent: *\nDisallow: /private-${crawl}/\n`,
  productToken: 'TrawlBot',
  paths: ['/', `/private-${crawl}/x`],
});

/** Asks about each crawl's robots.txt in turn, two questions in flight: how many the threads parsed. */
async function parsesAskingInTurn(robotsKept: RobotsKept): Promise<number> {
  const pool = new ParsePool({ threads: 2, taskBudgetMs: 10_000, robotsKept });
  try {
    let parsed = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      for (let crawl = 0; crawl < CRAWLS; crawl += 2) {
        const verdicts = await Promise.all([pool.run(question(crawl)), pool.run(question(crawl + 1))]);
        for (const verdict of verdicts) {
          expect(verdict.allowed).toEqual([true, false]);
          if (verdict.robotsParsed) parsed += 1;
        }
      }
    }
    return parsed;
  } finally {
    await pool.close();
  }
}

describe('the robots.txt rules a parse pool’s threads keep', () => {
  it('are parsed at most once per thread when the pool is sized for the crawls in flight', async () => {
    expect(await parsesAskingInTurn(robotsKeptFor(CRAWLS))).toBeLessThanOrEqual(2 * CRAWLS);
  });

  it('are parsed on every question when the threads keep fewer than the crawls asking', async () => {
    expect(await parsesAskingInTurn(DEFAULT_ROBOTS_KEPT)).toBe(ROUNDS * CRAWLS);
  });
});

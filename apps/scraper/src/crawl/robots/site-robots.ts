import { randomUUID } from 'node:crypto';
import type { ParsePool } from '../parse/parse.pool';
import type { RobotsRef } from '../parse/parse.tasks';

/**
 * What a crawl knows of one origin's robots.txt. The rules themselves live on the parse threads
 * (parsing and matching a hostile robots.txt can cost far more CPU than a page): each question
 * sends the text with an id, and a thread parses it once and keeps the rules for the next one.
 */
export interface SiteRobots {
  readonly sitemaps: readonly string[];
  /** Crawl-delay of our group, ms; undefined when absent. */
  readonly crawlDelayMs: number | undefined;
  /** What a page task needs to judge the page's links itself; undefined when nothing is disallowed. */
  readonly ref: RobotsRef | undefined;
  isAllowed(pathAndQuery: string, signal?: AbortSignal): Promise<boolean>;
}

const START_PATH = '/';

export const ALLOW_ALL: SiteRobots = {
  sitemaps: [],
  crawlDelayMs: undefined,
  ref: undefined,
  isAllowed: () => Promise.resolve(true),
};

/**
 * Reads a fetched robots.txt on a parse thread: its sitemaps and Crawl-delay, and the rules kept
 * there. The first task also judges the origin's start page ("/"), the crawl's next question, so
 * it costs no second trip to a thread.
 */
export async function readSiteRobots(
  parser: ParsePool,
  robotsUrl: string,
  text: string,
  productToken: string,
  signal?: AbortSignal,
): Promise<SiteRobots> {
  const ref: RobotsRef = { robotsId: randomUUID(), origin: new URL(robotsUrl).origin, text, productToken };
  const task = { ...ref, task: 'robots', url: robotsUrl } as const;
  const first = await parser.run({ ...task, paths: [START_PATH] }, signal);
  const startAllowed = first.allowed[0] === true;
  return {
    sitemaps: first.sitemaps,
    crawlDelayMs: first.crawlDelayMs,
    ref,
    async isAllowed(pathAndQuery, askSignal) {
      if (pathAndQuery === START_PATH) return startAllowed;
      const verdict = await parser.run({ ...task, paths: [pathAndQuery] }, askSignal);
      return verdict.allowed[0] === true;
    },
  };
}

import { decodeHtml } from '../fetch/charset';
import { extractPage, type PageExtraction } from '../extract/page.extractor';
import type { HeaderMap } from '../extract/technology.detector';
import { DEFAULT_ROBOTS_KEPT, ParsedRobots, type RobotsKept } from './parsed-robots';
import { parseSitemap, type ParsedSitemap } from '../sitemap/sitemap.parser';
import { robotsPathOf } from '../frontier/url.normalizer';

/**
 * The work a parse thread does: everything that reads untrusted content at a CPU cost that a
 * hostile site could drive up. Inputs and results are plain data (structured-cloned between
 * threads); `task` tells them apart.
 */
export interface PageTask {
  task: 'page';
  url: string;
  body: Uint8Array;
  /** The Content-Type header as sent (charset included), or undefined. */
  contentType: string | undefined;
  /** The response had no media type: accept the body only if it looks like markup. */
  requireMarkup: boolean;
  headers: HeaderMap;
  /** The robots.txt of the page's origin: the page's links to that origin are judged on the way. */
  robots?: RobotsRef;
}

/** A robots.txt a thread can parse once and keep (by `robotsId`) for the tasks that follow. */
export interface RobotsRef {
  robotsId: string;
  /** scheme://host[:port] whose /robots.txt this is. */
  origin: string;
  text: string;
  productToken: string;
}

export interface PageParse {
  task: 'page';
  charset: string;
  /** Undefined when markup was required and the body does not look like markup. */
  extraction: PageExtraction | undefined;
  /** Per link of `extraction.links`: robots.txt's verdict, or null for a link to another origin. */
  linksAllowed: (boolean | null)[] | undefined;
  /** The thread parsed the robots.txt for this task (it did not keep its rules). */
  robotsParsed: boolean;
}

export interface SitemapTask {
  task: 'sitemap';
  url: string;
  body: Uint8Array;
  maxLocations: number;
}

export interface SitemapParse {
  task: 'sitemap';
  sitemap: ParsedSitemap;
}

/** robots.txt rules of one origin, asked about some paths (RFC 9309 matching). */
export interface RobotsTask extends RobotsRef {
  task: 'robots';
  /** The robots.txt URL (for messages). */
  url: string;
  paths: string[];
}

export interface RobotsVerdict {
  task: 'robots';
  allowed: boolean[];
  sitemaps: string[];
  crawlDelayMs: number | undefined;
  /** The thread parsed the robots.txt for this task (it did not keep its rules). */
  robotsParsed: boolean;
}

export type ParseTask = PageTask | SitemapTask | RobotsTask;
export type ParseResult = PageParse | SitemapParse | RobotsVerdict;
export type ParseResultOf<T extends ParseTask> = T extends PageTask
  ? PageParse
  : T extends SitemapTask
    ? SitemapParse
    : RobotsVerdict;

/** A parse thread's task runner, with its own kept robots.txt rules. */
export function createParseTaskRunner(robotsKept: RobotsKept = DEFAULT_ROBOTS_KEPT): (task: ParseTask) => ParseResult {
  const robots = new ParsedRobots(robotsKept);
  return (task) => {
    switch (task.task) {
      case 'page':
        return parsePage(task, robots);
      case 'sitemap':
        return {
          task: 'sitemap',
          sitemap: parseSitemap(new TextDecoder('utf-8').decode(task.body), task.maxLocations),
        };
      case 'robots':
        return judgeRobots(task, robots);
    }
  };
}

/** A runner with the default robots.txt budget, for running tasks on the calling thread. */
export const runParseTask = createParseTaskRunner();

function parsePage(task: PageTask, parsedRobots: ParsedRobots): PageParse {
  const { text, charset } = decodeHtml(task.body, task.contentType);
  if (task.requireMarkup && !/^\s*</.test(text.slice(0, 1024))) {
    return { task: 'page', charset, extraction: undefined, linksAllowed: undefined, robotsParsed: false };
  }
  const extraction = extractPage(text, task.url, task.headers);
  const { robots } = task;
  if (!robots) return { task: 'page', charset, extraction, linksAllowed: undefined, robotsParsed: false };
  const { rules, parsed } = parsedRobots.rulesFor(robots);
  const sameOrigin = `${robots.origin}/`;
  const linksAllowed = extraction.links.map((link) =>
    link.startsWith(sameOrigin) ? rules.isAllowed(robotsPathOf(link)) : null,
  );
  return { task: 'page', charset, extraction, linksAllowed, robotsParsed: parsed };
}

function judgeRobots(task: RobotsTask, parsedRobots: ParsedRobots): RobotsVerdict {
  const { rules, parsed } = parsedRobots.rulesFor(task);
  return {
    task: 'robots',
    allowed: task.paths.map((path) => rules.isAllowed(path)),
    sitemaps: rules.sitemaps,
    crawlDelayMs: rules.crawlDelayMs,
    robotsParsed: parsed,
  };
}

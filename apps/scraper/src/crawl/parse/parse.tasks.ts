import { decodeHtml } from '../fetch/charset';
import { extractPage, type PageExtraction } from '../extract/page.extractor';
import type { HeaderMap } from '../extract/technology.detector';
import { parseRobots, type RobotsRules } from '../robots/robots.parser';
import { parseSitemap, type ParsedSitemap } from '../sitemap/sitemap.parser';

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
}

export interface PageParse {
  task: 'page';
  charset: string;
  /** Undefined when markup was required and the body does not look like markup. */
  extraction: PageExtraction | undefined;
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
export interface RobotsTask {
  task: 'robots';
  /** The robots.txt URL (for messages). */
  url: string;
  /** Names this robots.txt text: a thread parses it once and keeps the rules for later tasks. */
  robotsId: string;
  text: string;
  productToken: string;
  paths: string[];
}

export interface RobotsVerdict {
  task: 'robots';
  allowed: boolean[];
  sitemaps: string[];
  crawlDelayMs: number | undefined;
}

export type ParseTask = PageTask | SitemapTask | RobotsTask;
export type ParseResult = PageParse | SitemapParse | RobotsVerdict;
export type ParseResultOf<T extends ParseTask> = T extends PageTask
  ? PageParse
  : T extends SitemapTask
    ? SitemapParse
    : RobotsVerdict;

export function runParseTask(task: ParseTask): ParseResult {
  switch (task.task) {
    case 'page':
      return parsePage(task);
    case 'sitemap':
      return { task: 'sitemap', sitemap: parseSitemap(new TextDecoder('utf-8').decode(task.body), task.maxLocations) };
    case 'robots':
      return judgeRobots(task);
  }
}

function parsePage(task: PageTask): PageParse {
  const { text, charset } = decodeHtml(task.body, task.contentType);
  if (task.requireMarkup && !/^\s*</.test(text.slice(0, 1024))) {
    return { task: 'page', charset, extraction: undefined };
  }
  return { task: 'page', charset, extraction: extractPage(text, task.url, task.headers) };
}

/** Parsed rules by robotsId, most recently used last: a crawl asks about one origin many times. */
const parsedRobots = new Map<string, RobotsRules>();
const PARSED_ROBOTS_KEPT = 64;

function judgeRobots(task: RobotsTask): RobotsVerdict {
  let rules = parsedRobots.get(task.robotsId);
  if (rules) {
    parsedRobots.delete(task.robotsId);
  } else {
    rules = parseRobots(task.text, task.productToken);
    if (parsedRobots.size >= PARSED_ROBOTS_KEPT) parsedRobots.delete(parsedRobots.keys().next().value!);
  }
  parsedRobots.set(task.robotsId, rules);
  return {
    task: 'robots',
    allowed: task.paths.map((path) => rules.isAllowed(path)),
    sitemaps: rules.sitemaps,
    crawlDelayMs: rules.crawlDelayMs,
  };
}

import { LRUCache } from 'lru-cache';
import { parseRobots, type RobotsRules } from '../robots/robots.parser';
import type { RobotsRef } from './parse.tasks';

/** How many parsed robots.txt one parse thread keeps, and how much heap they may take (estimated). */
export interface RobotsKept {
  entries: number;
  heapBytes: number;
}

/**
 * Heap a robots.txt's parsed rules take per byte of its text, measured on a 20 KB file of 600
 * rules (~380 KB: a prefix-tree node, a Map and a compiled pattern per rule), plus a fixed part.
 */
const HEAP_PER_TEXT_BYTE = 20;
const HEAP_PER_ROBOTS = 1024;

/** The heap a robots.txt's parsed rules are reckoned to take. */
export function keptBytesOf(text: string): number {
  return HEAP_PER_ROBOTS + HEAP_PER_TEXT_BYTE * text.length;
}

/** 32 crawls in flight (two origins each), in 64 MiB: a quarter of a parse thread's default heap. */
export const DEFAULT_ROBOTS_KEPT: RobotsKept = { entries: 64, heapBytes: 64 * 1024 * 1024 };

/**
 * What a pool for `crawls` crawls in flight keeps per thread, in a quarter of each thread's heap.
 * Every crawl's tasks go to any thread, so each thread asks about the robots.txt of every crawl in
 * turn: keeping fewer than that (two origins a crawl: its host and its www. twin or redirect)
 * misses on every ask. Past the heap share, the largest files are parsed again when asked about.
 */
export function robotsKeptFor(crawls: number, workerHeapMb = 256): RobotsKept {
  return {
    entries: Math.max(DEFAULT_ROBOTS_KEPT.entries, 2 * crawls),
    heapBytes: Math.floor((workerHeapMb * 1024 * 1024) / 4),
  };
}

/**
 * Parsed robots.txt rules by robotsId, least recently used out first, bounded in entries and in
 * (estimated) heap. A crawl asks about its origin's robots.txt with every page; a
 * miss parses the text again (45 KB of rules take ~1.7 ms, more than the page itself).
 */
export class ParsedRobots {
  private readonly cache: LRUCache<string, RobotsRules>;

  constructor(kept: RobotsKept) {
    this.cache = new LRUCache<string, RobotsRules>({ max: kept.entries, maxSize: kept.heapBytes });
  }

  /** The rules of `ref`, and whether its text had to be parsed for them (not kept). */
  rulesFor(ref: RobotsRef): { rules: RobotsRules; parsed: boolean } {
    const kept = this.cache.get(ref.robotsId);
    if (kept) return { rules: kept, parsed: false };
    const rules = parseRobots(ref.text, ref.productToken);
    // Rules larger than the whole budget are parsed each time they are asked about, never kept.
    this.cache.set(ref.robotsId, rules, { size: keptBytesOf(ref.text) });
    return { rules, parsed: true };
  }
}

/**
 * Kafka topics, by role. The physical name is `${TRAWL_TOPIC_PREFIX}${base}`, so that tests
 * and environments can share one broker without interfering.
 */
export const TopicBase = {
  /** Everything that happens to a batch and its domains, keyed by batch id: one total order per batch. */
  batchEvents: 'batch-events',
  /** Scrape commands for the scrapers, keyed by domain (per-domain ordering and politeness). */
  domainCommands: 'domain-commands',
  /** Messages that could not be decoded or processed, with the reason in headers. */
  deadLetter: 'dead-letter',
} as const;

export type TopicRole = keyof typeof TopicBase;

export function topicName(prefix: string, role: TopicRole): string {
  return `${prefix}${TopicBase[role]}`;
}

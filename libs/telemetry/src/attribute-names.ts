/** Span and log attribute names Trawl adds, in one place. */
export const TrawlAttribute = {
  batchId: 'trawl.batch.id',
  tenant: 'trawl.tenant',
  domain: 'trawl.domain',
  attempt: 'trawl.attempt',
  messageType: 'trawl.message.type',
  messageId: 'trawl.message.id',
  /** What an attempt came to: domain.scraped or domain.failed (on the scraper's `scrape domain` span). */
  outcome: 'trawl.outcome',
  /** Which trace a link points to: `batch` (the batch's trace) or `decision` (the run that dispatched). */
  linkTo: 'trawl.link',
} as const;

/** Span and log attribute names Trawl adds, in one place. */
export const TrawlAttribute = {
  batchId: 'trawl.batch.id',
  tenant: 'trawl.tenant',
  domain: 'trawl.domain',
  attempt: 'trawl.attempt',
  messageType: 'trawl.message.type',
  messageId: 'trawl.message.id',
} as const;

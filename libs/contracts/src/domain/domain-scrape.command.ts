import { z } from 'zod';
import { isoTime } from '../envelope';

/** Scheduler → scrapers: crawl one domain, once, for one attempt. */
export const domainScrapeV1 = z.object({
  domain: z.string().min(1).max(253),
  attempt: z.number().int().min(1),
  dispatch_id: z.string().min(1),
  max_pages: z.number().int().min(1).max(1000),
  dispatched_at: isoTime,
  /**
   * When the scheduler stops waiting for this attempt (it then times it out, and retries or
   * fails the domain): a command delivered later is stale and not crawled. Absent in commands
   * logged before it existed.
   */
  expires_at: isoTime.optional(),
});
export type DomainScrapeV1 = z.infer<typeof domainScrapeV1>;

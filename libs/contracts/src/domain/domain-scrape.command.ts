import { z } from 'zod';
import { isoTime } from '../envelope';

/** Scheduler → scrapers: crawl one domain, once, for one attempt. */
export const domainScrapeV1 = z.object({
  domain: z.string().min(1).max(253),
  attempt: z.number().int().min(1),
  dispatch_id: z.string().min(1),
  max_pages: z.number().int().min(1).max(1000),
  dispatched_at: isoTime,
});
export type DomainScrapeV1 = z.infer<typeof domainScrapeV1>;

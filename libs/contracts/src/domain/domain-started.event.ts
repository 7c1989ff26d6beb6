import { z } from 'zod';
import { isoTime } from '../envelope';

/** A scraper took the command and began crawling. */
export const domainStartedV1 = z.object({
  domain: z.string().min(1).max(253),
  attempt: z.number().int().min(1),
  dispatch_id: z.string().min(1),
  started_at: isoTime,
  scraper_id: z.string(),
});
export type DomainStartedV1 = z.infer<typeof domainStartedV1>;

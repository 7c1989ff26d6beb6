import { z } from 'zod';
import { isoTime } from '../envelope';

/** The scheduler saw no result for an attempt before its deadline (the scraper may have died). */
export const domainTimedOutV1 = z.object({
  domain: z.string().min(1).max(253),
  attempt: z.number().int().min(1),
  dispatch_id: z.string().min(1),
  deadline_at: isoTime,
});
export type DomainTimedOutV1 = z.infer<typeof domainTimedOutV1>;

import { z } from 'zod';

/** The scheduler sent a scrape command for this attempt (logged before the command is sent). */
export const domainQueuedV1 = z.object({
  domain: z.string().min(1).max(253),
  attempt: z.number().int().min(1),
  dispatch_id: z.string().min(1),
});
export type DomainQueuedV1 = z.infer<typeof domainQueuedV1>;

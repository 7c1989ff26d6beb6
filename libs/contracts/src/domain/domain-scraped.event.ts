import { z } from 'zod';
import { isoTime } from '../envelope';
import { domainExtractionSchema, pageResultSchema, pagesTruncationSchema } from './page-result';

/** An attempt succeeded: the pages and what the site says about itself. */
export const domainScrapedV1 = z.object({
  domain: z.string().min(1).max(253),
  attempt: z.number().int().min(1),
  dispatch_id: z.string().min(1),
  started_at: isoTime,
  finished_at: isoTime,
  pages: z.array(pageResultSchema),
  truncated: pagesTruncationSchema.optional(),
  extraction: domainExtractionSchema,
});
export type DomainScrapedV1 = z.infer<typeof domainScrapedV1>;

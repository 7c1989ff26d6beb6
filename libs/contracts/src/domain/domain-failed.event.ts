import { z } from 'zod';
import { isoTime } from '../envelope';
import { pageResultSchema, scrapeErrorSchema, pagesTruncationSchema } from './page-result';

/** An attempt failed. Whether the domain is retried is the lifecycle's decision (see lifecycle/). */
export const domainFailedV1 = z.object({
  domain: z.string().min(1).max(253),
  attempt: z.number().int().min(1),
  dispatch_id: z.string().min(1),
  started_at: isoTime.nullable(),
  finished_at: isoTime,
  error: scrapeErrorSchema,
  pages: z.array(pageResultSchema),
  truncated: pagesTruncationSchema.optional(),
});
export type DomainFailedV1 = z.infer<typeof domainFailedV1>;

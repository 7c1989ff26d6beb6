import { z } from 'zod';
import { isoTime } from '../envelope';

/** The gateway accepted a batch. Domains are already normalised and unique. */
export const batchRequestedV1 = z.object({
  domains: z.array(z.string().min(1).max(253)).min(1),
  max_pages: z.number().int().min(1).max(1000),
  max_concurrent_jobs: z.number().int().min(1).max(100),
  metadata: z.record(z.string(), z.unknown()),
  requested_at: isoTime,
  trace_id: z.string().nullable(),
  idempotency_key: z.string().nullable(),
});
export type BatchRequestedV1 = z.infer<typeof batchRequestedV1>;

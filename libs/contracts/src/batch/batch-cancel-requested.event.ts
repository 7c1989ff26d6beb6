import { z } from 'zod';
import { isoTime } from '../envelope';

/** A client asked to cancel a batch: no new domain starts; running ones finish. */
export const batchCancelRequestedV1 = z.object({
  requested_at: isoTime,
  reason: z.string().max(1000).nullable(),
});
export type BatchCancelRequestedV1 = z.infer<typeof batchCancelRequestedV1>;

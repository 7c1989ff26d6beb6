import { z } from 'zod';
import { isoTime } from '../envelope';

/** The scheduler dispatched the batch's first domains. Carries the retry policy the fold needs. */
export const batchStartedV1 = z.object({
  started_at: isoTime,
  max_attempts: z.number().int().min(1).max(20),
  /** Absent in logs written before poison commands were counted: DEFAULT_MAX_DELIVERIES applies. */
  max_deliveries: z.number().int().min(1).max(100).optional(),
});
export type BatchStartedV1 = z.infer<typeof batchStartedV1>;

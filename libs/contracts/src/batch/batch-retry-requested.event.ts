import { z } from 'zod';
import { isoTime } from '../envelope';

/**
 * At most this many domains per event, so that even 253-character names keep an event far below
 * Kafka's message size limit; a larger retry is several parts of one round, published together.
 */
export const RETRY_DOMAINS_PER_EVENT = 1000;

/** One failed domain to try again, with the attempt that failed last (the fold reopens it only at that attempt). */
export const retriedDomainV1 = z.object({
  domain: z.string().min(1).max(253),
  attempt: z.number().int().min(1),
});

/**
 * A client asked for a new round of attempts for the failed domains of an ended batch: each
 * listed domain goes back to pending and gets the batch's max_attempts again, under the batch's
 * max_concurrent_jobs, and the batch runs until they end again.
 */
export const batchRetryRequestedV1 = z.object({
  requested_at: isoTime,
  /** 1 for the batch's first retry-failed request, 2 for the next, … */
  round: z.number().int().min(1),
  /** This event's place among the round's events (1-based) and how many there are. */
  part: z.number().int().min(1),
  parts: z.number().int().min(1),
  domains: z.array(retriedDomainV1).min(1).max(RETRY_DOMAINS_PER_EVENT),
});
export type BatchRetryRequestedV1 = z.infer<typeof batchRetryRequestedV1>;

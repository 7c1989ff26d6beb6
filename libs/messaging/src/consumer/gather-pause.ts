import { type Batch } from 'kafkajs';

/**
 * How long an in-order consumer waits, after handling a fetch of a partition, before it fetches
 * again: `waitMs` when the fetch caught up with the partition's end, so the events that arrive
 * meanwhile are folded together in the next run instead of one transaction each; none when the
 * fetch was empty, left a backlog behind it (the next fetch has work at once) or the consumer is
 * stopping.
 *
 * A pause after the work rather than a broker-side wait for bytes (fetch.min.bytes with
 * fetch.max.wait.ms): the first event after a quiet spell is handled as soon as it arrives, and an
 * idle consumer long-polls instead of fetching every `waitMs`.
 */
export function pauseAfterFetchMs(
  batch: Pick<Batch, 'isEmpty' | 'lastOffset' | 'highWatermark'>,
  waitMs: number,
  stopping: boolean,
): number {
  if (waitMs <= 0 || stopping || batch.isEmpty()) return 0;
  const caughtUp = BigInt(batch.lastOffset()) + 1n >= BigInt(batch.highWatermark);
  return caughtUp ? waitMs : 0;
}

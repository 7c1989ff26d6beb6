import { dependencyFailure, errorSummary, NonRetryableError } from '../errors';

/**
 * How long to wait before try `attempt` (1, 2, ...): exponential from 200 ms, capped at 30 s,
 * with "equal jitter" (half fixed, half random) so that consumers do not retry in step.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 200 * 2 ** Math.min(attempt, 10));
  return base / 2 + random() * (base / 2);
}

/** Waits for a dependency grow like this many attempts' backoff at most (about 13 to 26 s). */
const DEPENDENCY_WAIT_CAP = 7;

/** How long to wait before trying again while a dependency is down, after `waits` waits already. */
export function dependencyWaitMs(waits: number, random: () => number = Math.random): number {
  return backoffMs(Math.min(waits + 1, DEPENDENCY_WAIT_CAP), random);
}

/** What to do after a handler failed on one message. */
export type FailureDecision =
  /** It can never succeed (rejected) or failed maxAttempts times (exhausted): dead-letter it with the reason. */
  | { action: 'dead-letter'; cause: 'rejected' | 'exhausted'; reason: string; failures: number }
  /** A dependency is down: wait and try again, without counting an attempt (only its coming back helps). */
  | { action: 'wait-for-dependency'; dependency: string; waitMs: number; failures: number }
  /** Any other error: try again after a backoff; it counts as one of maxAttempts. */
  | { action: 'retry'; waitMs: number; failures: number };

/**
 * Classifies a handler's failure on one message, given how many counted failures it had before:
 * NonRetryableError (MessageTooLargeError among them) is poison and dead-lettered at once; a
 * dependency being down (see dependencyFailure) is waited out indefinitely; anything else is
 * retried with backoff and dead-lettered on the maxAttempts-th failure.
 */
export function decideAfterFailure(
  error: unknown,
  failuresBefore: number,
  maxAttempts: number,
  random: () => number = Math.random,
): FailureDecision {
  if (error instanceof NonRetryableError) {
    return {
      action: 'dead-letter',
      cause: 'rejected',
      reason: `rejected: ${errorSummary(error)}`,
      failures: failuresBefore,
    };
  }
  const dependency = dependencyFailure(error);
  if (dependency !== undefined) {
    return {
      action: 'wait-for-dependency',
      dependency,
      waitMs: dependencyWaitMs(failuresBefore, random),
      failures: failuresBefore,
    };
  }
  const failures = failuresBefore + 1;
  if (failures >= maxAttempts) {
    return {
      action: 'dead-letter',
      cause: 'exhausted',
      reason: `failed ${failures} times: ${errorSummary(error)}`,
      failures,
    };
  }
  return { action: 'retry', waitMs: backoffMs(failures, random), failures };
}

/** What to do after a batch handler failed on a run of messages. */
export type RunFailureDecision =
  | { action: 'wait-for-dependency'; dependency: string; waitMs: number }
  /** Hand the messages over one by one, so that retries and dead letters stay per message. */
  | { action: 'one-by-one' };

/** Classifies a batch handler's failure, after `waits` waits for dependencies already. */
export function decideAfterRunFailure(
  error: unknown,
  waits: number,
  random: () => number = Math.random,
): RunFailureDecision {
  const dependency = dependencyFailure(error);
  if (dependency === undefined) return { action: 'one-by-one' };
  return { action: 'wait-for-dependency', dependency, waitMs: dependencyWaitMs(waits, random) };
}

/** The wait itself (the decisions above are pure; this is their only effect). */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

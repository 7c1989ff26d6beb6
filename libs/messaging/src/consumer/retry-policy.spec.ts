import { MessageTooLargeError, NonRetryableError } from '../errors';
import { backoffMs, decideAfterFailure, decideAfterRunFailure, dependencyWaitMs } from './retry-policy';

const low = () => 0;
const high = () => 1;
const networkDown = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('backoffMs', () => {
  it('doubles from 200 ms per attempt with equal jitter, capped at 30 s', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffMs(attempt, high))).toEqual([200, 400, 800, 1600]);
    expect([0, 1, 2, 3].map((attempt) => backoffMs(attempt, low))).toEqual([100, 200, 400, 800]);
    expect(backoffMs(7, high)).toBe(25_600);
    expect(backoffMs(8, high)).toBe(30_000);
    expect(backoffMs(50, high)).toBe(30_000);
    expect(backoffMs(50, low)).toBe(15_000);
  });

  it('waits for a dependency like attempt waits + 1, at most like attempt 7', () => {
    expect(dependencyWaitMs(0, high)).toBe(backoffMs(1, high));
    expect(dependencyWaitMs(5, high)).toBe(backoffMs(6, high));
    expect(dependencyWaitMs(6, high)).toBe(backoffMs(7, high));
    expect(dependencyWaitMs(1000, high)).toBe(backoffMs(7, high));
  });
});

describe('decideAfterFailure', () => {
  it('dead-letters a NonRetryableError at once, without counting an attempt', () => {
    expect(decideAfterFailure(new NonRetryableError('no such tenant'), 0, 5)).toEqual({
      action: 'dead-letter',
      cause: 'rejected',
      reason: 'rejected: NonRetryableError: no such tenant',
      failures: 0,
    });
  });

  it('treats a message too large for Kafka as poison, never as Kafka being away', () => {
    const decision = decideAfterFailure(new MessageTooLargeError('1.2 MB over 1 MB'), 1, 5);
    expect(decision).toMatchObject({ action: 'dead-letter', cause: 'rejected', failures: 1 });
    // Even with a retriable Kafka error as its cause: the class is the policy.
    const wrapped = new MessageTooLargeError('too large', {
      cause: Object.assign(new Error('x'), { name: 'KafkaJSProtocolError', retriable: true }),
    });
    expect(decideAfterFailure(wrapped, 0, 5).action).toBe('dead-letter');
  });

  it('waits out a dependency that is down indefinitely, without counting attempts', () => {
    const decision = decideAfterFailure(networkDown(), 2, 3, high);
    expect(decision).toEqual({
      action: 'wait-for-dependency',
      dependency: 'network:ECONNREFUSED',
      waitMs: backoffMs(3, high),
      failures: 2,
    });
    // However many waits: still waiting, the counted failures unchanged.
    expect(decideAfterFailure(networkDown(), 2, 3, high).failures).toBe(2);
    const postgres = Object.assign(new Error('could not serialize access'), { code: '40001' });
    expect(decideAfterFailure(postgres, 0, 3)).toMatchObject({
      action: 'wait-for-dependency',
      dependency: 'postgres:40001',
    });
  });

  it('retries other errors with a growing backoff and dead-letters on the maxAttempts-th failure', () => {
    const error = new TypeError('undefined is not a function');
    expect(decideAfterFailure(error, 0, 3, high)).toEqual({ action: 'retry', waitMs: backoffMs(1, high), failures: 1 });
    expect(decideAfterFailure(error, 1, 3, high)).toEqual({ action: 'retry', waitMs: backoffMs(2, high), failures: 2 });
    expect(decideAfterFailure(error, 2, 3)).toEqual({
      action: 'dead-letter',
      cause: 'exhausted',
      reason: 'failed 3 times: TypeError: undefined is not a function',
      failures: 3,
    });
  });

  it('dead-letters after the first failure when maxAttempts is 1, and says what was thrown if not an Error', () => {
    expect(decideAfterFailure('boom', 0, 1)).toEqual({
      action: 'dead-letter',
      cause: 'exhausted',
      reason: 'failed 1 times: boom',
      failures: 1,
    });
  });
});

describe('decideAfterRunFailure', () => {
  it('waits out a dependency, longer with each wait', () => {
    expect(decideAfterRunFailure(networkDown(), 0, high)).toEqual({
      action: 'wait-for-dependency',
      dependency: 'network:ECONNREFUSED',
      waitMs: backoffMs(1, high),
    });
    expect(decideAfterRunFailure(networkDown(), 3, high)).toMatchObject({ waitMs: backoffMs(4, high) });
  });

  it('hands the run over one by one for anything else, poison included', () => {
    expect(decideAfterRunFailure(new Error('one of these cannot be stored'), 0)).toEqual({ action: 'one-by-one' });
    expect(decideAfterRunFailure(new NonRetryableError('bad'), 0)).toEqual({ action: 'one-by-one' });
  });
});

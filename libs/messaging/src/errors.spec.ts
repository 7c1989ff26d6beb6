import { dependencyFailure, isInfrastructureError, MessageTooLargeError, NonRetryableError } from './errors';

const withCode = (code: string) => Object.assign(new Error(`failed (${code})`), { code });

describe('a dependency failure, waited on rather than dead-lettered', () => {
  it.each([
    ['08006', 'connection failure'],
    ['40001', 'serialization failure'],
    ['40P01', 'deadlock'],
    ['53300', 'too many connections'],
    ['57014', 'statement timeout'],
    ['57P01', 'admin shutdown'],
    ['55P03', 'lock not available'],
    ['25006', 'read-only transaction (failover)'],
  ])('is a PostgreSQL %s (%s)', (code) => {
    expect(dependencyFailure(withCode(code))).toBe(`postgres:${code}`);
  });

  it('is a network error or a retriable Kafka error, also as the cause of another', () => {
    expect(dependencyFailure(new Error('wrapped', { cause: withCode('ECONNRESET') }))).toBe('network:ECONNRESET');
    expect(dependencyFailure(Object.assign(new Error('x'), { name: 'KafkaJSConnectionError', retriable: true }))).toBe(
      'kafka',
    );
  });

  it('is not a constraint violation, a bad value, or a message too large for Kafka', () => {
    expect(isInfrastructureError(withCode('23505'))).toBe(false);
    expect(isInfrastructureError(withCode('22P02'))).toBe(false);
    expect(isInfrastructureError(new MessageTooLargeError('too big'))).toBe(false);
    expect(isInfrastructureError(new NonRetryableError('no'))).toBe(false);
  });
});

/**
 * Errors a message handler may throw. The class is the policy:
 * - NonRetryableError: the message can never succeed; dead-letter it at once.
 * - anything else: retried with backoff, dead-lettered after maxAttempts;
 *   unless it is a dependency being down (see isInfrastructureError), retried until it is back.
 */
export class NonRetryableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}

/**
 * A message over the size limit (ours, checked before sending, or the broker's): sending it again
 * cannot succeed, so it is never retried as if Kafka were away.
 */
export class MessageTooLargeError extends NonRetryableError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MessageTooLargeError';
  }
}

/** Kafka's own answers for a record or batch over `max.message.bytes`. */
const TOO_LARGE_TYPES = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

export function isTooLargeForKafka(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { type, cause } = error as { type?: unknown; cause?: unknown };
  if (typeof type === 'string' && TOO_LARGE_TYPES.has(type)) return true;
  return isTooLargeForKafka(cause, depth + 1);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/** A dependency (Postgres, Kafka) is unreachable or overloaded: waiting is the only remedy. */
export function isInfrastructureError(error: unknown): boolean {
  // Field checks, not instanceof: errors from another realm (Node internals under Jest) fail it.
  if (typeof error !== 'object' || error === null) return false;
  const {
    code,
    retriable,
    name = '',
    message = '',
  } = error as { code?: unknown; retriable?: unknown; name?: string; message?: string };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    // PostgreSQL SQLSTATE: 08 connection, 53 resources, 57P admin shutdown, 40001/40P01 serialization/deadlock.
    if (/^(08|53|57P)/.test(code) || code === '40001' || code === '40P01') return true;
  }
  if (name === 'MessageTooLargeError' || isTooLargeForKafka(error)) return false;
  if (name === 'PublishError' || (name.startsWith('KafkaJS') && retriable === true)) return true;
  if (
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      message,
    )
  ) {
    return true;
  }
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isInfrastructureError(cause);
}

export function errorSummary(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

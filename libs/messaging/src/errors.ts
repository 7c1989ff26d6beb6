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

/**
 * PostgreSQL SQLSTATEs that pass by themselves: classes 08 (connection), 40 (serialization failure,
 * deadlock), 53 (insufficient resources), 57 (operator intervention: shutdown, statement timeout),
 * and 55P03 (lock not available), 25006 (read-only transaction: a failover in progress).
 */
const TRANSIENT_SQLSTATE = /^(?:08|40|53|57)[0-9A-Z]{3}$|^55P03$|^25006$/;

/**
 * A dependency (Postgres, Kafka, the network) is unreachable, overloaded or briefly refusing:
 * waiting is the only remedy. Says which, as a short label for logs and metrics
 * ("postgres:40001", "network:ECONNRESET", "kafka"), or undefined for any other error.
 */
export function dependencyFailure(error: unknown, depth = 0): string | undefined {
  // Field checks, not instanceof: errors from another realm (Node internals under Jest) fail it.
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const {
    code,
    retriable,
    name = '',
    message = '',
  } = error as { code?: unknown; retriable?: unknown; name?: string; message?: string };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return `network:${code}`;
    if (TRANSIENT_SQLSTATE.test(code)) return `postgres:${code}`;
  }
  if (name === 'MessageTooLargeError' || isTooLargeForKafka(error)) return undefined;
  if (name === 'PublishError' || (name.startsWith('KafkaJS') && retriable === true)) return 'kafka';
  if (
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      message,
    )
  ) {
    return 'postgres:connection';
  }
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error ? dependencyFailure(cause, depth + 1) : undefined;
}

/** A dependency (Postgres, Kafka) is unreachable or overloaded: waiting is the only remedy. */
export function isInfrastructureError(error: unknown): boolean {
  return dependencyFailure(error) !== undefined;
}

export function errorSummary(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

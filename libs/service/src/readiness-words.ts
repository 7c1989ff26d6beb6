/**
 * Turns a dependency's error into plain words for /health/ready. The raw text (addresses, ports,
 * driver messages) goes to the log, never into a response.
 */

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ETIMEDOUT',
]);
const UNREACHABLE_TEXT =
  /ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|connection terminated|connection error|socket hang up|getaddrinfo|timeout exceeded when trying to connect|closed the connection/i;

/** A check that did not answer in time. */
export class ReadinessTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'ReadinessTimeout';
  }
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && current !== null && chain.length < 5;) {
    chain.push(current);
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return chain;
}

export function describeFailure(error: unknown): string {
  for (const entry of causes(error)) {
    if (entry instanceof ReadinessTimeout) return `no answer within ${entry.ms / 1000} s`;
    if (typeof entry !== 'object' || entry === null) continue;
    const { code, name } = entry as { code?: unknown; name?: unknown };
    if (typeof code === 'string') {
      if (UNREACHABLE_CODES.has(code)) return 'unreachable';
      // PostgreSQL SQLSTATE codes.
      if (code.startsWith('28')) return 'refused the credentials';
      if (code === '3D000') return 'database does not exist';
      if (code === '53300') return 'too many connections';
      if (code.startsWith('57P')) return 'starting up or shutting down';
    }
    if (name === 'KafkaJSConnectionError' || name === 'KafkaJSBrokerNotFound') return 'unreachable';
    if (name === 'KafkaJSSASLAuthenticationError') return 'refused the credentials';
  }
  const text = causes(error)
    .map((entry) => (entry instanceof Error ? entry.message : String(entry)))
    .join(' ');
  if (UNREACHABLE_TEXT.test(text)) return 'unreachable';
  return 'failing (see the log)';
}

import { type z } from 'zod';
import { CliError } from '../cli-output';
import { type GatewayConnection } from './gateway-connection';
import { errorBodySchema } from './gateway-schemas';

/** How long a request (not a stream) may take before the CLI gives up on it. */
const REQUEST_TIMEOUT_MS = 30_000;

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  EPROTO: 'TLS handshake failed',
};

/** The gateway could not be reached (or the connection broke): no HTTP answer at all. */
export class GatewayUnreachableError extends CliError {
  constructor(baseUrl: string, reason: string) {
    super(`cannot reach the gateway at ${baseUrl}: ${reason}`);
    this.name = 'GatewayUnreachableError';
  }
}

/** An open stream from the gateway broke off or closed early. */
export class GatewayStreamError extends CliError {
  constructor(baseUrl: string, reason: string) {
    super(`the event stream from the gateway at ${baseUrl} broke off (${reason})`);
    this.name = 'GatewayStreamError';
  }
}

/** The gateway answered with an error status; the message is the API's own. */
export class GatewayHttpError extends CliError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayHttpError';
  }
}

/** Why fetch failed, in a few words: the code of its cause (undici wraps it), else its message. */
export function networkReason(error: unknown): string {
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return 'no answer in time';
  }
  let cause: unknown = error instanceof Error && error.cause !== undefined ? error.cause : error;
  if (cause instanceof AggregateError && cause.errors.length > 0 && !(cause as { code?: unknown }).code) {
    cause = cause.errors[0];
  }
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return NETWORK_REASONS[code] ?? code;
  return cause instanceof Error ? cause.message : String(cause);
}

/** One line for an error answer: the API's message, and what 401 means for the user. */
export function httpErrorLine(status: number, statusText: string, body: string): string {
  let message = body.trim().split('\n')[0]?.slice(0, 500) ?? '';
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(body));
    if (parsed.success) message = parsed.data.message;
  } catch {
    // not JSON: keep the text as it came
  }
  const answered = `${status}${statusText ? ` ${statusText}` : ''}`;
  if (status === 401) return `the gateway refused the API key (${answered}${message ? `: ${message}` : ''})`;
  return `the gateway answered ${answered}${message ? `: ${message}` : ''}`;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** No timeout (a stream): the caller aborts. */
  signal?: AbortSignal;
}

/** The gateway's REST API with one API key, over Node's fetch. Every failure is a one-line CliError. */
export class GatewayClient {
  constructor(readonly connection: GatewayConnection) {}

  /** Sends a request and returns the response if it is a success (2xx); throws the one-line error otherwise. */
  async send(method: string, route: string, options: RequestOptions = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.connection.baseUrl}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${this.connection.key}`,
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        body: options.body === undefined ? null : JSON.stringify(options.body),
        signal: options.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (error) {
      throw new GatewayUnreachableError(this.connection.baseUrl, networkReason(error));
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw new GatewayHttpError(response.status, httpErrorLine(response.status, response.statusText, text));
    }
    return response;
  }

  /** A JSON request whose answer is checked against `schema`. */
  async json<T>(
    method: string,
    route: string,
    schema: z.ZodType<T>,
    options: RequestOptions = {},
  ): Promise<{ body: T; raw: unknown; response: Response }> {
    const response = await this.send(method, route, options);
    let raw: unknown;
    try {
      raw = await response.json();
    } catch (error) {
      if (error instanceof SyntaxError) throw unexpected(method, route, 'not JSON');
      throw new GatewayUnreachableError(this.connection.baseUrl, networkReason(error));
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw unexpected(method, route, issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid');
    }
    return { body: parsed.data, raw, response };
  }
}

function unexpected(method: string, route: string, why: string): CliError {
  return new CliError(`the gateway's answer to ${method} ${route} is not what this CLI expects (${why})`);
}

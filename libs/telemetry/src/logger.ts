import { type LoggerService } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import { redactUrlPasswords } from '@trawl/config';

export type Log = Logger;

/** Longest string an error field keeps in the log (SQL text, messages, stacks). */
const MAX_ERROR_FIELD_CHARS = 4_000;
/** Fields of errors that carry tenant data or secrets, never logged (TypeORM's QueryFailedError). */
const DROPPED_ERROR_FIELDS = new Set(['parameters']);

/**
 * pino's error serializer, then: no query parameters (tenant data, possibly megabytes), long
 * strings cut, passwords in URLs hidden.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  return scrub(serialized, 0);
}

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactUrlPasswords(value.slice(0, MAX_ERROR_FIELD_CHARS));
  if (typeof value !== 'object' || value === null || depth > 4) return value;
  if (Array.isArray(value)) return value.slice(0, 20).map((item) => scrub(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!DROPPED_ERROR_FIELDS.has(key)) out[key] = scrub(item, depth + 1);
  }
  return out;
}

/** Structured JSON logs on stdout; every line carries the active trace and span ids. */
export function createLogger(service: string, level: string, destination?: DestinationStream): Log {
  const options: pino.LoggerOptions = {
    level,
    base: { service, pid: process.pid },
    serializers: { err: serializeError },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const spanContext = trace.getActiveSpan()?.spanContext();
      return spanContext && trace.isSpanContextValid(spanContext)
        ? { trace_id: spanContext.traceId, span_id: spanContext.spanId }
        : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Nest's own logging (bootstrap, routes, exceptions) through the same structured logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Log) {}
  private write(level: 'info' | 'warn' | 'error' | 'debug' | 'trace', message: unknown, rest: unknown[]): void {
    const contextName = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = level === 'error' && typeof rest[0] === 'string' && rest.length > 1 ? rest[0] : undefined;
    if (message instanceof Error) this.logger[level]({ err: message, context: contextName }, message.message);
    else if (typeof message === 'object') this.logger[level]({ ...(message as object), context: contextName });
    else
      this.logger[level](
        { context: contextName, stack },
        typeof message === 'string' ? message : JSON.stringify(message),
      );
  }
  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
}

import { type LoggerService } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

export type Log = Logger;

/** Structured JSON logs on stdout; every line carries the active trace and span ids. */
export function createLogger(service: string, level: string): Log {
  return pino({
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const spanContext = trace.getActiveSpan()?.spanContext();
      return spanContext && trace.isSpanContextValid(spanContext)
        ? { trace_id: spanContext.traceId, span_id: spanContext.spanId }
        : {};
    },
  });
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

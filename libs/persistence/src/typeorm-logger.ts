import { type Logger as TypeOrmLogger } from 'typeorm';
import { type Log } from '@trawl/telemetry';

/** TypeORM's errors and warnings in the service's structured log (never plain console output). */
export class TypeOrmStructuredLogger implements TypeOrmLogger {
  constructor(private readonly output: Log) {}

  logQuery(): void {}

  logQueryError(error: string | Error, query: string, parameters?: unknown[]): void {
    this.output.error(
      { err: error, query: query.slice(0, 2000), parameter_count: parameters?.length ?? 0 },
      'query failed',
    );
  }

  logQuerySlow(time: number, query: string): void {
    this.output.warn({ duration_ms: time, query: query.slice(0, 2000) }, 'slow query');
  }

  logSchemaBuild(message: string): void {
    this.output.debug({ component: 'typeorm' }, message);
  }

  logMigration(message: string): void {
    this.output.info({ component: 'typeorm' }, message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    if (level === 'warn') this.output.warn({ component: 'typeorm' }, text);
    else this.output.debug({ component: 'typeorm' }, text);
  }
}

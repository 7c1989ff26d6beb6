import { type DynamicModule, Global, Module } from '@nestjs/common';
import { type Log } from './logger';

export const LOG = Symbol('LOG');

/** Makes the service's structured logger injectable as `@Inject(LOG) log: Log`. */
@Global()
@Module({})
export class TelemetryModule {
  static forRoot(log: Log): DynamicModule {
    return { module: TelemetryModule, providers: [{ provide: LOG, useValue: log }], exports: [LOG] };
  }
}

import { type DynamicModule, Global, Module } from '@nestjs/common';
import { type TrawlConfig } from './trawl-config';

export const TRAWL_CONFIG = Symbol('TRAWL_CONFIG');

/** Makes the configuration read at boot injectable as `@Inject(TRAWL_CONFIG) config: TrawlConfig`. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: TrawlConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: TRAWL_CONFIG, useValue: config }], exports: [TRAWL_CONFIG] };
  }
}

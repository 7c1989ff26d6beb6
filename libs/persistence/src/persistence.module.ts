import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { type DataSource } from 'typeorm';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { LOG, type Log } from '@trawl/telemetry';
import { createDataSource } from './data-source';

export const DATA_SOURCE = Symbol('DATA_SOURCE');

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * Provides the TypeORM DataSource. It is initialised lazily and retried, so a database that is
 * down at boot shows in readiness (503) instead of crashing the service.
 */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options: { applicationName: string; poolSize?: number }): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: DATA_SOURCE,
          inject: [TRAWL_CONFIG, LOG],
          useFactory: (config: TrawlConfig, log: Log) =>
            createDataSource(config.DATABASE_URL, {
              applicationName: options.applicationName,
              poolSize: options.poolSize ?? 10,
              log,
            }),
        },
        DataSourceCloser,
      ],
      exports: [DATA_SOURCE],
    };
  }
}

const initializing = new WeakMap<DataSource, Promise<DataSource>>();

/** Initialises the DataSource once (callers share the attempt); throws while the database is unreachable. */
export async function ensureInitialized(dataSource: DataSource): Promise<DataSource> {
  if (dataSource.isInitialized) return dataSource;
  let attempt = initializing.get(dataSource);
  if (!attempt) {
    attempt = dataSource.initialize().finally(() => initializing.delete(dataSource));
    initializing.set(dataSource, attempt);
  }
  return attempt;
}

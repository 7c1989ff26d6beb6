import { type DynamicModule, Module } from '@nestjs/common';
import { type DataSource } from 'typeorm';
import { ConfigModule, type TrawlConfig } from '@trawl/config';
import { MessagingModule, MessagingRuntime } from '@trawl/messaging';
import {
  DATA_SOURCE,
  PersistenceModule,
  pruneProcessedEvents,
  RETENTION_TASKS,
  RetentionJob,
  type RetentionTask,
} from '@trawl/persistence';
import { databaseCheck, HealthController, kafkaCheck, READINESS_CHECKS } from '@trawl/service';
import { type Log, TelemetryModule } from '@trawl/telemetry';
import { BatchEventsProjectionHandler } from './projection/batch-events.handler';
import { StuckBatchWatcher } from './projection/stuck-batch.watcher';

@Module({})
export class AggregatorModule {
  static forRoot(config: TrawlConfig, log: Log): DynamicModule {
    return {
      module: AggregatorModule,
      imports: [
        ConfigModule.forRoot(config),
        TelemetryModule.forRoot(log),
        PersistenceModule.forRoot({ applicationName: 'trawl-aggregator' }),
        MessagingModule.forRoot({ clientId: 'trawl-aggregator' }),
      ],
      controllers: [HealthController],
      providers: [
        BatchEventsProjectionHandler,
        StuckBatchWatcher,
        RetentionJob,
        {
          provide: RETENTION_TASKS,
          useValue: [
            {
              name: 'processed_events (aggregator)',
              prune: (ds, before) => pruneProcessedEvents(ds, 'aggregator', before),
            },
          ] satisfies RetentionTask[],
        },
        {
          provide: READINESS_CHECKS,
          inject: [DATA_SOURCE, MessagingRuntime],
          useFactory: (dataSource: DataSource, messaging: MessagingRuntime) => [
            databaseCheck(dataSource),
            kafkaCheck(messaging),
          ],
        },
      ],
    };
  }
}

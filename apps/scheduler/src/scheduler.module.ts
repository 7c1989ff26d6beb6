import { type DynamicModule, Module } from '@nestjs/common';
import { type DataSource } from 'typeorm';
import { ConfigModule, type TrawlConfig } from '@trawl/config';
import { MessagingModule, MessagingRuntime } from '@trawl/messaging';
import {
  DATA_SOURCE,
  PersistenceModule,
  pruneFinishedSchedulerBatches,
  pruneProcessedEvents,
  RETENTION_TASKS,
  RetentionJob,
  type RetentionTask,
} from '@trawl/persistence';
import { databaseCheck, HealthController, kafkaCheck, READINESS_CHECKS } from '@trawl/service';
import { type Log, TelemetryModule } from '@trawl/telemetry';
import { BatchEventsHandler } from './batch-flow/batch-events.handler';
import { BatchFlowService } from './batch-flow/batch-flow.service';
import { TimerLoopService } from './batch-flow/timer-loop.service';

@Module({})
export class SchedulerModule {
  static forRoot(config: TrawlConfig, log: Log): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [
        ConfigModule.forRoot(config),
        TelemetryModule.forRoot(log),
        PersistenceModule.forRoot({ applicationName: 'trawl-scheduler' }),
        MessagingModule.forRoot({ clientId: 'trawl-scheduler' }),
      ],
      controllers: [HealthController],
      providers: [
        BatchFlowService,
        BatchEventsHandler,
        TimerLoopService,
        RetentionJob,
        {
          provide: RETENTION_TASKS,
          useValue: [
            {
              name: 'processed_events (scheduler)',
              prune: (ds, before) => pruneProcessedEvents(ds, 'scheduler', before),
            },
            { name: 'scheduler_batches (finished)', prune: pruneFinishedSchedulerBatches },
          ] satisfies RetentionTask[],
        },
        {
          provide: READINESS_CHECKS,
          inject: [DATA_SOURCE, MessagingRuntime, TimerLoopService],
          useFactory: (dataSource: DataSource, messaging: MessagingRuntime, timers: TimerLoopService) => [
            databaseCheck(dataSource),
            kafkaCheck(messaging),
            { name: 'timer loop', check: () => Promise.resolve(timers.readiness()) },
          ],
        },
      ],
    };
  }
}

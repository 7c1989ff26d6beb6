import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { type DataSource } from 'typeorm';
import { ConfigModule, type TrawlConfig } from '@trawl/config';
import { MessagingModule, MessagingRuntime } from '@trawl/messaging';
import {
  DATA_SOURCE,
  PersistenceModule,
  pruneSubmissions,
  RETENTION_TASKS,
  RetentionJob,
  type RetentionTask,
} from '@trawl/persistence';
import { databaseCheck, HealthController, kafkaCheck, READINESS_CHECKS } from '@trawl/service';
import { type Log, TelemetryModule } from '@trawl/telemetry';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeyService } from './auth/api-key.service';
import { BatchCancellationService } from './batches/batch-cancellation.service';
import { BatchRetryService } from './batches/batch-retry.service';
import { BatchExportService } from './batches/batch-export';
import { BatchEventsStream } from './batches/progress/batch-events.stream';
import { BatchProgressNotifier } from './batches/progress/batch-progress.notifier';
import { BatchReadsService } from './batches/batch-reads.service';
import { BatchSubmissionService } from './batches/batch-submission.service';
import { BatchesController } from './batches/batches.controller';
import { Database } from './common/database';
import { DashboardController } from './dashboard/dashboard.controller';
import { V3CompatController } from './compat/v3.controller';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { createValidationPipe } from './http/validation';
import { StatsController } from './stats/stats.controller';
import { StatsService } from './stats/stats.service';
import { BatchTraceController } from './batches/trace/batch-trace.controller';
import { BatchTraceService } from './batches/trace/batch-trace.service';

@Module({})
export class GatewayModule {
  static forRoot(config: TrawlConfig, log: Log): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ConfigModule.forRoot(config),
        TelemetryModule.forRoot(log),
        PersistenceModule.forRoot({ applicationName: 'trawl-gateway' }),
        MessagingModule.forRoot({ clientId: 'trawl-gateway' }),
      ],
      controllers: [
        HealthController,
        BatchesController,
        BatchTraceController,
        V3CompatController,
        StatsController,
        DashboardController,
      ],
      providers: [
        {
          provide: READINESS_CHECKS,
          inject: [DATA_SOURCE, MessagingRuntime],
          useFactory: (dataSource: DataSource, runtime: MessagingRuntime) => [
            databaseCheck(dataSource),
            kafkaCheck(runtime),
          ],
        },
        RetentionJob,
        {
          provide: RETENTION_TASKS,
          useValue: [{ name: 'batch_submissions', prune: pruneSubmissions }] satisfies RetentionTask[],
        },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        Database,
        ApiKeyService,
        ApiKeyGuard,
        BatchSubmissionService,
        BatchReadsService,
        BatchExportService,
        BatchEventsStream,
        BatchProgressNotifier,
        BatchCancellationService,
        BatchRetryService,
        StatsService,
        BatchTraceService,
      ],
    };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, type TrawlConfig } from '@trawl/config';
import { MessagingModule, MessagingRuntime } from '@trawl/messaging';
import { HealthController, kafkaCheck, READINESS_CHECKS } from '@trawl/service';
import { type Log, TelemetryModule } from '@trawl/telemetry';
import { type HostResolver } from './crawl';
import { HOST_RESOLVER, ScrapeDomainHandler } from './scrape/scrape-domain.handler';

@Module({})
export class ScraperModule {
  static forRoot(config: TrawlConfig, log: Log, resolver: HostResolver): DynamicModule {
    return {
      module: ScraperModule,
      imports: [
        ConfigModule.forRoot(config),
        TelemetryModule.forRoot(log),
        MessagingModule.forRoot({ clientId: 'trawl-scraper' }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: HOST_RESOLVER, useValue: resolver },
        ScrapeDomainHandler,
        {
          provide: READINESS_CHECKS,
          inject: [MessagingRuntime],
          useFactory: (messaging: MessagingRuntime) => [kafkaCheck(messaging)],
        },
      ],
    };
  }
}

import { bootService } from '@trawl/service';
import { SchedulerModule } from './scheduler.module';

void bootService({
  name: 'scheduler',
  port: (config) => config.SCHEDULER_PORT,
  module: (config, log) => SchedulerModule.forRoot(config, log),
});

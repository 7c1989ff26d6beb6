import { bootService } from '@trawl/service';
import { AggregatorModule } from './aggregator.module';

void bootService({
  name: 'aggregator',
  port: (config) => config.AGGREGATOR_PORT,
  module: (config, log) => AggregatorModule.forRoot(config, log),
});

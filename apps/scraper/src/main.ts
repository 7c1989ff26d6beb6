import { bootService } from '@trawl/service';
import { parseResolveOverrides } from './crawl';
import { ScraperModule } from './scraper.module';

void bootService({
  name: 'scraper',
  port: (config) => config.SCRAPER_PORT,
  module: (config, log) => {
    let resolver;
    try {
      resolver = parseResolveOverrides(config.TRAWL_RESOLVE);
    } catch (error) {
      process.stderr.write(`scraper: invalid configuration:\n  - TRAWL_RESOLVE ${(error as Error).message}\n`);
      process.exit(78);
    }
    return ScraperModule.forRoot(config, log, resolver);
  },
});

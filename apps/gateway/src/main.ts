import { bootService } from '@trawl/service';
import { configureGateway } from './gateway.app';
import { GatewayModule } from './gateway.module';

bootService({
  name: 'gateway',
  port: (config) => config.GATEWAY_PORT,
  host: (config) => config.GATEWAY_HOST,
  module: (config, log) => GatewayModule.forRoot(config, log),
  configure: configureGateway,
}).catch((error: unknown) => {
  process.stderr.write(`gateway: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

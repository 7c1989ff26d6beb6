import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type TrawlConfig } from '@trawl/config';
import { useHttpObservability, useMethodNotAllowed } from '@trawl/service';
import { LOG, type Log, NestPinoLogger } from '@trawl/telemetry';
import { GatewayModule } from './gateway.module';
import { useJsonBodies } from './http/body-parsing';
import { setUpOpenApi } from './openapi';

/** What main.ts passes to bootService as `configure`: body parsing and the OpenAPI document. */
export function configureGateway(app: NestExpressApplication, config: TrawlConfig): void {
  app.disable('x-powered-by');
  useJsonBodies(app, config.TRAWL_MAX_BODY_BYTES, app.get<Log>(LOG));
  setUpOpenApi(app);
}

/** The gateway, created and configured like bootService does, but not listening (for in-process tests). */
export async function createGatewayApp(config: TrawlConfig, log: Log): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config, log), {
    logger: new NestPinoLogger(log.child({ component: 'nest' })),
    bodyParser: false,
  });
  app.enableShutdownHooks();
  useHttpObservability(app, log);
  useMethodNotAllowed(app);
  configureGateway(app, config);
  return app;
}

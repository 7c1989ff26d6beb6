import 'reflect-metadata';
import { type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, loadTrawlConfig, type TrawlConfig } from '@trawl/config';
import { useHttpObservability } from './http-observability';
import { useMethodNotAllowed } from './method-not-allowed';
import {
  createLogger,
  type Log,
  NestPinoLogger,
  silenceKafkajsTimeoutWarning,
  startDefaultMetrics,
  startTracing,
  stopTracing,
} from '@trawl/telemetry';

export const TRAWL_VERSION = '0.1.0';

export interface ServiceDefinition {
  name: 'gateway' | 'scheduler' | 'scraper' | 'aggregator';
  port: (config: TrawlConfig) => number;
  host?: (config: TrawlConfig) => string;
  module: (config: TrawlConfig, log: Log) => Type<unknown> | DynamicModule;
  configure?: (app: NestExpressApplication, config: TrawlConfig) => void;
}

/** Reads the configuration or exits with a message that names every bad variable. */
export function loadConfigOrExit(service: string): TrawlConfig {
  try {
    return loadTrawlConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${service}: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}

/**
 * Boots one Trawl service: configuration validated first, tracing before anything it
 * instruments, structured logs, health and metrics, graceful shutdown on SIGTERM/SIGINT.
 */
export async function bootService(definition: ServiceDefinition): Promise<INestApplication> {
  silenceKafkajsTimeoutWarning();
  const config = loadConfigOrExit(definition.name);
  startTracing({
    serviceName: `trawl-${definition.name}`,
    version: TRAWL_VERSION,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    disabled: config.OTEL_SDK_DISABLED,
    pageSpansPercent: config.SCRAPER_PAGE_SPANS_PERCENT,
  });
  startDefaultMetrics(definition.name);
  const log = createLogger(definition.name, config.LOG_LEVEL);
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection'));

  const module = definition.module(config, log);
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: new NestPinoLogger(log.child({ component: 'nest' })),
    bodyParser: false,
  });
  app.enableShutdownHooks();
  useHttpObservability(app, log);
  useMethodNotAllowed(app);
  definition.configure?.(app, config);
  const port = definition.port(config);
  const host = definition.host?.(config) ?? config.SERVICE_HOST;
  await app.listen(port, host);
  const address = app.getHttpServer().address() as { port: number };
  log.info({ url: `http://${host}:${address.port}` }, `${definition.name} listening`);
  process.once('beforeExit', () => void stopTracing());
  return app;
}

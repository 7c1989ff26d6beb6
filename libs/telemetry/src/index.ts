export * from './attribute-names';
export * from './tracing';
export * from './child-span-sampler';
export * from './logger';
export * from './metrics';
export * from './kafkajs-warning-filter';
export * from './telemetry.module';

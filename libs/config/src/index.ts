export * from './env-schema';
export * from './trawl-config';
export * from './config.module';
export * from './redact';

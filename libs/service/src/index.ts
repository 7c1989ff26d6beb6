export * from './readiness';
export * from './health.controller';
export * from './standard-checks';
export * from './boot';
export * from './http-observability';
export * from './method-not-allowed';
export * from './readiness-words';

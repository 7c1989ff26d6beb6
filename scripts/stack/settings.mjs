// Where the local stack lives and which loopback ports it uses. Every value can be overridden
// by an environment variable; the same variables are documented in README.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function port(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name}=${raw} is not a TCP port (an integer from 1 to 65535)`);
  }
  return value;
}

/** The stack's pinned versions: `.env` at the repository root, shared with docker-compose.yml. */
export function stackVersions(env = process.env) {
  const file = path.join(repoRoot, '.env');
  const pinned = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Z0-9_]+)=(.*?)\s*$/.exec(line);
    if (match) pinned[match[1]] = match[2];
  }
  const version = (name) => {
    const value = env[name] || pinned[name];
    if (!value) throw new Error(`${name} is not set in ${file}`);
    return value;
  };
  return {
    kafka: version('TRAWL_KAFKA_VERSION'),
    jaegerModule: version('TRAWL_JAEGER_MODULE_VERSION'),
    goToolchain: version('TRAWL_GO_TOOLCHAIN'),
    schemathesis: version('TRAWL_SCHEMATHESIS_VERSION'),
  };
}

export function loadSettings(env = process.env) {
  const versions = stackVersions(env);
  const stackDir = path.resolve(env.TRAWL_STACK_DIR || path.join(repoRoot, '.stack'));
  const cacheDir = path.resolve(
    env.TRAWL_CACHE_DIR || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'trawl'),
  );
  return {
    stackDir,
    cacheDir,
    goToolchain: versions.goToolchain,
    host: '127.0.0.1',
    kafka: {
      version: versions.kafka,
      port: port('TRAWL_KAFKA_PORT', 9092),
      controllerPort: port('TRAWL_KAFKA_CONTROLLER_PORT', 9093),
      heap: env.TRAWL_KAFKA_HEAP || '1g',
      // A multi-node cluster (`--brokers N`) defaults to less per node; see kafka.mjs.
      heapFromEnv: env.TRAWL_KAFKA_HEAP || '',
    },
    postgres: {
      externalUrl: env.DATABASE_URL || '',
      port: port('TRAWL_PG_PORT', 55432),
      user: 'trawl',
      password: 'trawl',
      database: 'trawl',
    },
    jaeger: {
      version: versions.jaegerModule,
      otlpGrpcPort: port('TRAWL_JAEGER_OTLP_GRPC_PORT', 4317),
      otlpHttpPort: port('TRAWL_JAEGER_OTLP_HTTP_PORT', 4318),
      queryPort: port('TRAWL_JAEGER_QUERY_PORT', 16686),
      queryGrpcPort: port('TRAWL_JAEGER_QUERY_GRPC_PORT', 16685),
      healthPort: port('TRAWL_JAEGER_HEALTH_PORT', 13133),
      maxTraces: Number(env.TRAWL_JAEGER_MAX_TRACES || 50000),
    },
  };
}

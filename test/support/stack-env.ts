import fs from 'node:fs';
import path from 'node:path';

/**
 * Where the real stack listens, for tests: the environment first, then what `npm run stack -- up`
 * wrote to .stack/stack.env, then the stack's defaults.
 */
export function stackEnv(): {
  KAFKA_BROKERS: string;
  DATABASE_URL: string;
  OTEL_EXPORTER_OTLP_ENDPOINT: string;
  JAEGER_QUERY_URL: string;
} {
  const file = path.join(process.env.TRAWL_STACK_DIR ?? path.resolve(__dirname, '../../.stack'), 'stack.env');
  const fromFile: Record<string, string> = {};
  if (fs.existsSync(file)) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const match = /^([A-Z_]+)=(\S*)/.exec(line.trim());
      if (match) fromFile[match[1]!] = match[2]!;
    }
  }
  const pick = (name: string, fallback: string) => process.env[name] || fromFile[name] || fallback;
  return {
    KAFKA_BROKERS: pick('KAFKA_BROKERS', '127.0.0.1:9092'),
    DATABASE_URL: pick('DATABASE_URL', 'postgres://trawl:trawl@127.0.0.1:55432/trawl'),
    OTEL_EXPORTER_OTLP_ENDPOINT: pick('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://127.0.0.1:4318'),
    JAEGER_QUERY_URL: pick('JAEGER_QUERY_URL', `http://127.0.0.1:${process.env.TRAWL_JAEGER_QUERY_PORT ?? '16686'}`),
  };
}

/** A name no other test run or test file uses: for topic prefixes, consumer groups, databases. */
export function uniqueName(label: string): string {
  return `${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

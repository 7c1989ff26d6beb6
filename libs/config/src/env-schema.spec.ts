import { ConfigError, readEnv } from './env-schema';
import { loadTrawlConfig } from './trawl-config';

describe('the configuration', () => {
  it('uses the defaults when nothing is set', () => {
    const config = loadTrawlConfig({});
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.TRAWL_MAX_DOMAINS_PER_BATCH).toBe(10_000);
  });

  it('reads values of the right type', () => {
    const config = loadTrawlConfig({ GATEWAY_PORT: '8080', KAFKA_BROKERS: 'a:1, b:2', OTEL_SDK_DISABLED: 'true' });
    expect(config.GATEWAY_PORT).toBe(8080);
    expect(config.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
    expect(config.OTEL_SDK_DISABLED).toBe(true);
  });

  it('names every bad variable and what is allowed, all at once', () => {
    let error: unknown;
    try {
      loadTrawlConfig({
        GATEWAY_PORT: 'eighty',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://x',
        KAFKA_BROKERS: 'nohost',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('GATEWAY_PORT must be an integer from 0 to 65535 (got "eighty"');
    expect(problems).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
    expect(problems).toContain('DATABASE_URL must use one of the protocols postgres, postgresql');
    expect(problems).toContain('KAFKA_BROKERS "nohost" is not host:port');
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('never shows the password of a URL it refuses', () => {
    expect(() => loadTrawlConfig({ DATABASE_URL: 'mysql://trawl:hunter2@db/trawl' })).toThrow(
      /DATABASE_URL must use one of the protocols postgres, postgresql \(got "mysql:\/\/trawl:\*\*\*@db\/trawl"/,
    );
    expect(() => loadTrawlConfig({ DATABASE_URL: 'mysql://trawl:hunter2@db/trawl' })).not.toThrow(/hunter2/);
  });

  it('rejects out-of-range integers and non-integers', () => {
    expect(() => loadTrawlConfig({ TRAWL_TOPIC_PARTITIONS: '0' })).toThrow(/TRAWL_TOPIC_PARTITIONS/);
    expect(() => loadTrawlConfig({ SCRAPER_CONCURRENCY: '1.5' })).toThrow(/SCRAPER_CONCURRENCY/);
  });

  it('treats a required variable left empty as missing', async () => {
    const { str } = await import('./env-schema');
    expect(() => readEnv({ NAME: str() }, { NAME: '  ' })).toThrow(/NAME is required \(got " {2}"/);
  });
});

import { ApiExcludeController } from '@nestjs/swagger';
import { type Log } from '@trawl/telemetry';
import { HealthController } from './health.controller';
import { type ReadinessCheck, type ReadinessResult } from './readiness';
import { describeFailure, ReadinessTimeout } from './readiness-words';

function pgError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("readiness's plain words", () => {
  it.each<[string, unknown, string]>([
    ['pg ECONNREFUSED', pgError('connect ECONNREFUSED 127.0.0.1:55432', 'ECONNREFUSED'), 'unreachable'],
    ['pg connection terminated', new Error('Connection terminated unexpectedly'), 'unreachable'],
    ['pg connect timeout', new Error('timeout exceeded when trying to connect'), 'unreachable'],
    [
      'kafkajs connection error',
      Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' }),
      'unreachable',
    ],
    [
      'a cause ENOTFOUND',
      new Error('fetch failed', { cause: pgError('getaddrinfo ENOTFOUND db', 'ENOTFOUND') }),
      'unreachable',
    ],
    ['pg 28P01', pgError('password authentication failed for user "trawl"', '28P01'), 'refused the credentials'],
    ['pg 3D000', pgError('database "x" does not exist', '3D000'), 'database does not exist'],
    ['pg 57P03', pgError('the database system is starting up', '57P03'), 'starting up or shutting down'],
    ['the check timing out', new ReadinessTimeout(2000), 'no answer within 2 s'],
    ['anything else', new Error('something odd at 10.0.0.1:5432'), 'failing (see the log)'],
    ['not an Error', 'a string', 'failing (see the log)'],
  ])('%s', (_label, error, words) => {
    expect(describeFailure(error)).toBe(words);
  });
});

describe('/health/ready', () => {
  function setUp(results: Record<string, () => Promise<ReadinessResult>>) {
    const log = { warn: jest.fn(), info: jest.fn() };
    const checks: ReadinessCheck[] = Object.entries(results).map(([name, check]) => ({ name, check: () => check() }));
    return { log, controller: new HealthController(checks, log as unknown as Log) };
  }

  it('names each dependency in plain words, never the driver text, and logs the error once per change', async () => {
    const refused = pgError('connect ECONNREFUSED 127.0.0.1:55432', 'ECONNREFUSED');
    let postgres: () => Promise<ReadinessResult> = () => Promise.resolve({ ready: true, detail: 'ok' });
    const { controller, log } = setUp({
      postgres: () => postgres(),
      kafka: () => Promise.resolve({ ready: true, detail: 'ok' }),
      thrower: () => Promise.reject(refused),
    });

    const first = await controller.readiness();
    expect(first).toEqual({
      status: 'unavailable',
      checks: [
        { name: 'postgres', ready: true, detail: 'ok' },
        { name: 'kafka', ready: true, detail: 'ok' },
        { name: 'thrower', ready: false, detail: 'unreachable' },
      ],
    });
    expect(JSON.stringify(first)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn).toHaveBeenCalledWith(
      { check: 'thrower', detail: 'unreachable', err: refused },
      'readiness: thrower not ready',
    );

    postgres = () => Promise.resolve({ ready: false, detail: 'unreachable', cause: refused });
    for (let i = 0; i < 5; i += 1) await controller.readiness();
    expect(log.warn).toHaveBeenCalledTimes(2);
    expect(log.warn).toHaveBeenLastCalledWith(
      { check: 'postgres', detail: 'unreachable', err: refused },
      'readiness: postgres not ready',
    );

    postgres = () => Promise.resolve({ ready: true, detail: 'ok' });
    await controller.readiness();
    await controller.readiness();
    expect(log.info).toHaveBeenCalledTimes(1);
    expect(log.info).toHaveBeenCalledWith({ check: 'postgres', detail: 'ok' }, 'readiness: postgres ready again');
  });

  it('is ready only when every check is; a changing number in a detail is not a new state', async () => {
    let seconds = 1;
    const { controller, log } = setUp({
      'timer loop': () => Promise.resolve({ ready: false, detail: `ticks failing for ${seconds++} s` }),
    });
    for (let i = 0; i < 3; i += 1) expect((await controller.readiness()).status).toBe('unavailable');
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('does not wait for a check that hangs', async () => {
    jest.useFakeTimers();
    try {
      const { controller } = setUp({ postgres: () => new Promise<ReadinessResult>(() => undefined) });
      const answer = controller.readiness();
      await jest.advanceTimersByTimeAsync(2_000);
      expect(await answer).toEqual({
        status: 'unavailable',
        checks: [{ name: 'postgres', ready: false, detail: 'no answer within 2 s' }],
      });
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('the health controller in the OpenAPI document', () => {
  it('carries the metadata ApiExcludeController() sets, so the gateway leaves it out', () => {
    class Excluded {}
    ApiExcludeController()(Excluded);
    const keys = Reflect.getMetadataKeys(Excluded) as string[];
    expect(keys).not.toHaveLength(0);
    for (const key of keys)
      expect(Reflect.getMetadata(key, HealthController)).toEqual(Reflect.getMetadata(key, Excluded));
  });
});

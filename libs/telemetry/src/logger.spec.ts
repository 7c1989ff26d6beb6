import { Writable } from 'node:stream';
import { createLogger } from './logger';

/** A logger writing into an array of parsed lines. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger('spec', 'info', sink), lines };
}

class QueryFailedLike extends Error {
  constructor(
    readonly query: string,
    readonly parameters: unknown[],
  ) {
    super('invalid input syntax for type json');
    this.name = 'QueryFailedError';
  }
}

describe('logged errors', () => {
  it('never carry query parameters (tenant data), only the query, cut', () => {
    const { log, lines } = capturedLogger();
    const error = new QueryFailedLike(`insert into pages ${'x'.repeat(10_000)}`, ['tenant secret', 'a'.repeat(5e6)]);
    log.error({ err: error }, 'query failed');
    const err = lines[0]!.err as Record<string, unknown>;
    expect(err.parameters).toBeUndefined();
    expect(JSON.stringify(lines[0])).not.toContain('tenant secret');
    expect((err.query as string).length).toBe(4_000);
    expect(err.message).toBe('invalid input syntax for type json');
  });

  it('hide passwords in URLs', () => {
    const { log, lines } = capturedLogger();
    log.error({ err: new Error('connect to postgres://trawl:hunter2@db/trawl failed') }, 'no database');
    expect(JSON.stringify(lines[0])).not.toContain('hunter2');
    expect((lines[0]!.err as { message: string }).message).toContain('postgres://trawl:***@db/trawl');
  });
});

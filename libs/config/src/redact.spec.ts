import { redactUrlPasswords } from './redact';

describe('redactUrlPasswords', () => {
  it('hides the password of every URL in a text and keeps the rest', () => {
    expect(redactUrlPasswords('connect postgres://trawl:s3cr%40t@db:5432/trawl and amqp://u:p@mq/')).toBe(
      'connect postgres://trawl:***@db:5432/trawl and amqp://u:***@mq/',
    );
  });

  it('leaves URLs without a password alone', () => {
    expect(redactUrlPasswords('http://example.com/a:b@c postgres://user@db/x')).toBe(
      'http://example.com/a:b@c postgres://user@db/x',
    );
  });

  it('takes linear time on a megabyte of near-misses', () => {
    const hostile = 'a://b:'.repeat(200_000);
    const started = performance.now();
    expect(redactUrlPasswords(hostile)).toBe(hostile);
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});

import { Politeness } from './politeness';

describe('Politeness', () => {
  it('computes the wait per host from the end of the previous request', () => {
    let now = 1000;
    const politeness = new Politeness(250, () => now);
    expect(politeness.waitTimeMs('a.test')).toBe(0);
    politeness.done('a.test');
    now = 1100;
    expect(politeness.waitTimeMs('A.TEST')).toBe(150);
    expect(politeness.waitTimeMs('b.test')).toBe(0);
    now = 1300;
    expect(politeness.waitTimeMs('a.test')).toBe(0);
  });

  it("keeps a host's own Crawl-delay when it is longer than the base delay", () => {
    let now = 1000;
    const politeness = new Politeness(250, () => now);
    politeness.slowDown('a.test', 2_000);
    politeness.done('a.test');
    politeness.done('b.test');
    now = 1500;
    expect(politeness.waitTimeMs('a.test')).toBe(1_500);
    expect(politeness.waitTimeMs('b.test')).toBe(0);
  });

  it('does not wait with a zero delay', async () => {
    const politeness = new Politeness(0);
    politeness.done('a.test');
    expect(politeness.waitTimeMs('a.test')).toBe(0);
    await expect(politeness.wait('a.test')).resolves.toBeUndefined();
  });

  it('waits, and an abort interrupts the wait', async () => {
    const politeness = new Politeness(10_000);
    politeness.done('a.test');
    const controller = new AbortController();
    const waiting = politeness.wait('a.test', controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});

import { Slots } from './slots';

describe('slots', () => {
  it('never run more than the limit at once, and run everything', async () => {
    const slots = new Slots(2);
    let running = 0;
    let peak = 0;
    const work = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
    };
    await Promise.all(Array.from({ length: 7 }, () => slots.run(work)));
    expect(peak).toBe(2);
    expect(slots.inUse).toBe(0);
  });

  it('free the slot when the work fails', async () => {
    const slots = new Slots(1);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(slots.run(() => Promise.resolve(1))).resolves.toBe(1);
  });
});

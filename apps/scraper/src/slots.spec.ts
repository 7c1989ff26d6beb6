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

describe('slots with lanes', () => {
  it('serve waiting lanes in turn: a batch queued after a big one does not wait for all of it', async () => {
    const slots = new Slots(1);
    const order: string[] = [];
    let release: () => void = () => undefined;
    const first = slots.run(() => new Promise<void>((resolve) => (release = resolve)), ['t1', 'big']);
    const task = (name: string, lane: string[]) => slots.run(() => Promise.resolve(void order.push(name)), lane);
    const waiting = [
      task('big-1', ['t1', 'big']),
      task('big-2', ['t1', 'big']),
      task('big-3', ['t1', 'big']),
      task('small-1', ['t2', 'small']),
      task('small-2', ['t2', 'small']),
    ];
    expect(slots.waiting).toBe(5);
    release();
    await Promise.all([first, ...waiting]);
    expect(order).toEqual(['big-1', 'small-1', 'big-2', 'small-2', 'big-3']);
  });
});

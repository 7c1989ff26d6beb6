import { FairQueue } from './fair-queue';

function drain<T>(queue: FairQueue<T>): T[] {
  const items: T[] = [];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) items.push(item);
  return items;
}

describe('FairQueue', () => {
  it('keeps arrival order within a lane', () => {
    const queue = new FairQueue<number>();
    [1, 2, 3].forEach((n) => queue.push(['a'], n));
    expect(queue.size).toBe(3);
    expect(drain(queue)).toEqual([1, 2, 3]);
    expect(queue.size).toBe(0);
  });

  it('takes round-robin across tenants first, then across each tenant’s batches', () => {
    const queue = new FairQueue<string>();
    // Tenant A has two batches with many waiting; tenant B one batch with two.
    for (let i = 1; i <= 3; i += 1) queue.push(['A', 'a1'], `a1-${i}`);
    for (let i = 1; i <= 3; i += 1) queue.push(['A', 'a2'], `a2-${i}`);
    queue.push(['B', 'b1'], 'b1-1');
    queue.push(['B', 'b1'], 'b1-2');
    expect(drain(queue)).toEqual(['a1-1', 'b1-1', 'a2-1', 'b1-2', 'a1-2', 'a2-2', 'a1-3', 'a2-3']);
  });

  it('gives a lane that arrives later its turn at once, not after the others drain', () => {
    const queue = new FairQueue<string>();
    for (let i = 1; i <= 4; i += 1) queue.push(['big'], `big-${i}`);
    expect(queue.shift()).toBe('big-1');
    queue.push(['small'], 'small-1');
    expect(queue.shift()).toBe('small-1');
    expect(drain(queue)).toEqual(['big-2', 'big-3', 'big-4']);
  });

  it('serves items queued without a lane before laned ones, in order', () => {
    const queue = new FairQueue<string>();
    queue.push(['x'], 'x-1');
    queue.push([], 'plain-1');
    queue.push([], 'plain-2');
    expect(drain(queue)).toEqual(['plain-1', 'plain-2', 'x-1']);
  });
});

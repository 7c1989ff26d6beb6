import { Frontier } from './crawl.frontier';

describe('Frontier', () => {
  it('is FIFO and queues each URL once', () => {
    const frontier = new Frontier(10);
    expect(frontier.add('a', 1)).toBe(true);
    expect(frontier.add('b', 1)).toBe(true);
    expect(frontier.add('a', 2)).toBe(false);
    frontier.markSeen('c');
    expect(frontier.add('c', 1)).toBe(false);
    expect(frontier.next()).toEqual({ url: 'a', depth: 1 });
    expect(frontier.add('a', 3)).toBe(false);
    expect(frontier.next()).toEqual({ url: 'b', depth: 1 });
    expect(frontier.next()).toBeUndefined();
  });

  it('bounds the pending queue', () => {
    const frontier = new Frontier(2);
    expect(frontier.add('a', 0)).toBe(true);
    expect(frontier.add('b', 0)).toBe(true);
    expect(frontier.add('c', 0)).toBe(false);
    frontier.next();
    expect(frontier.add('c', 0)).toBe(true);
    expect(frontier.pending).toBe(2);
  });
});

import { SendQueue } from './send-queue';

function recordingSend() {
  const sends: { items: string[]; settle: (error?: Error) => void }[] = [];
  const send = (items: string[]) =>
    new Promise<void>((resolve, reject) =>
      sends.push({ items, settle: (error) => (error ? reject(error) : resolve()) }),
    );
  return { sends, send };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('the send queue', () => {
  it('sends at once when idle, and groups what arrives during a send into the next one, in order', async () => {
    const { sends, send } = recordingSend();
    const queue = new SendQueue(send, (item: string) => item.length);
    const first = queue.enqueue(['a']);
    const second = queue.enqueue(['b', 'c']);
    const third = queue.enqueue(['d']);
    await flush();
    expect(sends.map((s) => s.items)).toEqual([['a']]);
    sends[0]!.settle();
    await first;
    await flush();
    expect(sends.map((s) => s.items)).toEqual([['a'], ['b', 'c', 'd']]);
    sends[1]!.settle();
    await expect(Promise.all([second, third])).resolves.toBeDefined();
  });

  it('rejects every caller of a failed send, and only those', async () => {
    const { sends, send } = recordingSend();
    const queue = new SendQueue(send, () => 1);
    const first = queue.enqueue(['a']);
    const second = queue.enqueue(['b']);
    await flush();
    sends[0]!.settle(new Error('broker down'));
    await expect(first).rejects.toThrow('broker down');
    await flush();
    sends[1]!.settle();
    await expect(second).resolves.toBeUndefined();
  });

  it('keeps groups within the limits', async () => {
    const { sends, send } = recordingSend();
    const queue = new SendQueue(send, () => 10, { maxItems: 2, maxBytes: 1000 });
    const all = ['a', 'b', 'c', 'd', 'e'].map((item) => queue.enqueue([item]));
    await flush();
    sends[0]!.settle();
    await flush();
    sends[1]!.settle();
    await flush();
    sends[2]!.settle();
    await Promise.all(all);
    expect(sends.map((s) => s.items)).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });
});

import { createMessage } from '@trawl/contracts';
import { type MessagePublisher } from '@trawl/messaging';
import { GroupedPublisher } from './grouped-publisher';

const BATCH = '4b0f4c1e-1b9a-4b55-9b11-0c2f1c4a8e11';
const cancel = (reason: string) =>
  createMessage({
    type: 'batch.cancel-requested',
    tenant: 't',
    batchId: BATCH,
    data: { requested_at: new Date().toISOString(), reason },
  });

function fakePublisher() {
  const sends: { reasons: string[]; settle: (error?: Error) => void }[] = [];
  const publisher = {
    publish: (messages: { data: { reason: string } }[]) =>
      new Promise<void>((resolve, reject) => {
        sends.push({
          reasons: messages.map((message) => message.data.reason),
          settle: (error) => (error ? reject(error) : resolve()),
        });
      }),
  };
  return { sends, publisher: publisher as unknown as MessagePublisher };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupedPublisher', () => {
  it('sends what arrives during a send together in the next one, in order', async () => {
    const { sends, publisher } = fakePublisher();
    const grouped = new GroupedPublisher(publisher);
    const first = grouped.publish([cancel('a')]);
    const second = grouped.publish([cancel('b')]);
    const third = grouped.publish([cancel('c'), cancel('d')]);
    await flush();
    expect(sends.map((send) => send.reasons)).toEqual([['a']]);
    sends[0]!.settle();
    await first;
    await flush();
    expect(sends.map((send) => send.reasons)).toEqual([['a'], ['b', 'c', 'd']]);
    sends[1]!.settle();
    await expect(Promise.all([second, third])).resolves.toEqual([undefined, undefined]);
  });

  it('rejects every request of a failed send, and carries on with the next', async () => {
    const { sends, publisher } = fakePublisher();
    const grouped = new GroupedPublisher(publisher);
    const first = grouped.publish([cancel('a')]);
    const second = grouped.publish([cancel('b')]);
    const third = grouped.publish([cancel('c')]);
    await flush();
    sends[0]!.settle();
    await first;
    await flush();
    const failure = new Error('kafka down');
    sends[1]!.settle(failure);
    await expect(second).rejects.toBe(failure);
    await expect(third).rejects.toBe(failure);
    const fourth = grouped.publish([cancel('d')]);
    await flush();
    expect(sends[2]!.reasons).toEqual(['d']);
    sends[2]!.settle();
    await expect(fourth).resolves.toBeUndefined();
  });

  it('caps a group at 200 messages', async () => {
    const { sends, publisher } = fakePublisher();
    const grouped = new GroupedPublisher(publisher);
    const all = [grouped.publish([cancel('first')])];
    for (let i = 0; i < 250; i += 1) all.push(grouped.publish([cancel(`m${i}`)]));
    await flush();
    sends[0]!.settle();
    await flush();
    expect(sends[1]!.reasons).toHaveLength(200);
    sends[1]!.settle();
    await flush();
    expect(sends[2]!.reasons).toHaveLength(50);
    sends[2]!.settle();
    await Promise.all(all);
  });
});

import { Readable } from 'node:stream';
import { serverSentEvents, type ServerSentEvent } from './server-sent-events';

function chunks(parts: string[]): AsyncIterable<Uint8Array> {
  const encoder = new TextEncoder();
  return Readable.from(parts.map((part) => encoder.encode(part)));
}

async function collect(parts: string[], onRetry?: (ms: number) => void): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of serverSentEvents(chunks(parts), onRetry ? { onRetry } : {})) events.push(event);
  return events;
}

describe('serverSentEvents', () => {
  it('reads events split anywhere across chunks, with and without ids, skipping comments', async () => {
    const text =
      'retry: 2000\n\n: heartbeat\n\nevent: domain\ndata: {"domain":"a.test","status":"running"}\n\n' +
      'event: progress\nid: 7\ndata: {"n":1}\n\nevent: end\ndata: {"status":"complete"}\n\n';
    const retries: number[] = [];
    for (const size of [1, 3, 17, text.length]) {
      const parts = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
      const events = await collect(parts, (ms) => retries.push(ms));
      expect(events).toEqual([
        { event: 'domain', id: undefined, data: '{"domain":"a.test","status":"running"}' },
        { event: 'progress', id: '7', data: '{"n":1}' },
        { event: 'end', id: undefined, data: '{"status":"complete"}' },
      ]);
    }
    expect(retries).toEqual([2000, 2000, 2000, 2000]);
  });

  it('keeps multi-byte characters cut between chunks', async () => {
    const bytes = new TextEncoder().encode('event: domain\ndata: {"domain":"bücher.test"}\n\n');
    const cut = bytes.indexOf(0xc3) + 1; // inside "ü"
    const events: ServerSentEvent[] = [];
    for await (const event of serverSentEvents(Readable.from([bytes.slice(0, cut), bytes.slice(cut)]))) {
      events.push(event);
    }
    expect(events.map((event) => event.data)).toEqual(['{"domain":"bücher.test"}']);
  });

  it('drops an event the stream was cut in the middle of', async () => {
    expect(await collect(['event: progress\nid: 3\ndata: {"n":1}\n\nevent: domain\ndata: {"dom'])).toEqual([
      { event: 'progress', id: '3', data: '{"n":1}' },
    ]);
  });
});

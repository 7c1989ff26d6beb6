import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type ServerSentEvent = EventSourceMessage;

/**
 * The events of a text/event-stream body as they arrive, parsed by eventsource-parser.
 * `onChunk` is called for every chunk read (the stream is alive); `onRetry` with the server's `retry:`.
 */
export async function* serverSentEvents(
  body: AsyncIterable<Uint8Array>,
  hooks: { onChunk?: () => void; onRetry?: (ms: number) => void } = {},
): AsyncGenerator<ServerSentEvent> {
  const pending: ServerSentEvent[] = [];
  const parser = createParser({
    onEvent: (event) => pending.push(event),
    ...(hooks.onRetry ? { onRetry: hooks.onRetry } : {}),
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    hooks.onChunk?.();
    parser.feed(decoder.decode(chunk, { stream: true }));
    while (pending.length > 0) yield pending.shift()!;
  }
  parser.feed(decoder.decode());
  while (pending.length > 0) yield pending.shift()!;
}

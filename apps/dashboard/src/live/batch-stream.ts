import { createParser } from 'eventsource-parser';
import { type Api } from '../api/client';
import { ApiFailure } from '../api/failure';
import { type BatchEvent, parseBatchEvent } from './progress';

export interface StreamHandlers {
  onEvent: (event: BatchEvent) => void;
  /** The stream broke, or answered an error; it retries by itself unless the failure is final (4xx). */
  onTrouble: (message: string | undefined) => void;
}

const MAX_BACKOFF_MS = 15_000;

/**
 * Follows a batch's event stream with fetch() (EventSource cannot send the Authorization header),
 * reconnecting after a break with Last-Event-ID until the `end` event. Returns a function that stops it.
 */
export function followBatch(api: Api, batchId: string, handlers: StreamHandlers): () => void {
  const controller = new AbortController();
  let lastEventId: string | undefined;
  let retryMs = 2_000;
  let ended = false;

  const readOnce = async (): Promise<void> => {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    const response = await api.request('GET', `/api/v1/batches/${batchId}/events`, {
      headers,
      signal: controller.signal,
    });
    handlers.onTrouble(undefined);
    const parser = createParser({
      onEvent: (message) => {
        if (message.id !== undefined) lastEventId = message.id;
        const event = parseBatchEvent(message);
        if (!event) return;
        if (event.type === 'end') ended = true;
        handlers.onEvent(event);
      },
      onRetry: (ms) => (retryMs = ms),
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.feed(value);
    }
  };

  const run = async (): Promise<void> => {
    let failures = 0;
    while (!ended && !controller.signal.aborted) {
      try {
        await readOnce();
        failures = 0;
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof ApiFailure && error.status >= 400 && error.status < 500 && error.status !== 429) {
          handlers.onTrouble(error.message);
          return;
        }
        failures += 1;
        handlers.onTrouble(
          `Live updates interrupted (${error instanceof Error ? error.message : String(error)}); reconnecting…`,
        );
      }
      if (ended || controller.signal.aborted) return;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(MAX_BACKOFF_MS, retryMs * 2 ** Math.min(failures, 3))),
      );
    }
  };
  void run();
  return () => controller.abort();
}

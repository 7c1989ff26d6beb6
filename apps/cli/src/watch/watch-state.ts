import { type BatchStatus, type DomainStatus } from '@trawl/contracts';
import { type z } from 'zod';
import { CliError } from '../cli-output';
import { type ServerSentEvent } from '../gateway/server-sent-events';
import { domainEventSchema, endEventSchema, type ProgressEvent, progressEventSchema } from '../gateway/gateway-schemas';

export interface DomainState {
  status: DomainStatus;
  errorClass: string | null;
}

/** What a watch knows of its batch: folded from the progress stream, kept across reconnects. */
export interface WatchState {
  batchId: string;
  /** The last `progress` event; undefined until the first. */
  counts: ProgressEvent | undefined;
  domains: Map<string, DomainState>;
  /** Set by `end`. */
  ended: BatchStatus | undefined;
  /** The id of the last event that had one: sent as Last-Event-ID when reconnecting. */
  lastEventId: string | undefined;
}

export function newWatchState(batchId: string): WatchState {
  return { batchId, counts: undefined, domains: new Map(), ended: undefined, lastEventId: undefined };
}

function data<T>(event: ServerSentEvent, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(event.data);
  } catch {
    raw = undefined;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new CliError(`the gateway sent a malformed "${event.event}" event: ${event.data}`);
  return parsed.data;
}

/** Folds one event into the state; returns its kind ('other' for events this CLI does not know). */
export function applyEvent(state: WatchState, event: ServerSentEvent): 'domain' | 'progress' | 'end' | 'other' {
  if (event.id !== undefined && event.id !== '') state.lastEventId = event.id;
  switch (event.event) {
    case 'domain': {
      const domain = data(event, domainEventSchema);
      state.domains.set(domain.domain, { status: domain.status, errorClass: domain.error_class ?? null });
      return 'domain';
    }
    case 'progress':
      state.counts = data(event, progressEventSchema);
      return 'progress';
    case 'end':
      state.ended = data(event, endEventSchema).status;
      return 'end';
    case undefined: // a `message` event: none in this stream
    default:
      return 'other';
  }
}

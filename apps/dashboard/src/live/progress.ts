import { type BatchStatus, type BatchSummary, type DomainStatus } from '../api/types';

/** A batch's counts as the event stream reports them. */
export type Progress = Pick<
  BatchSummary,
  'status' | 'total_domains' | 'completed_domains' | 'failed_domains' | 'cancelled_domains' | 'progress'
>;

export interface DomainChange {
  domain: string;
  status: DomainStatus;
  attempts: number;
  error_class: string | null;
}

/** One event of GET /api/v1/batches/:id/events, its data parsed. */
export type BatchEvent =
  | { type: 'progress'; id: string | undefined; data: Progress }
  | { type: 'domain'; id: string | undefined; data: DomainChange }
  | { type: 'end'; id: string | undefined; data: { status: BatchStatus } };

/** An SSE message (event name, id, data text) as a BatchEvent; undefined for unknown events or bad data. */
export function parseBatchEvent(message: {
  event?: string | undefined;
  id?: string | undefined;
  data: string;
}): BatchEvent | undefined {
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  switch (message.event ?? '') {
    case 'progress':
      return { type: 'progress', id: message.id, data: data as Progress };
    case 'domain':
      return { type: 'domain', id: message.id, data: data as DomainChange };
    case 'end':
      return { type: 'end', id: message.id, data: data as { status: BatchStatus } };
    default:
      return undefined;
  }
}

/** The progress after an event: `progress` replaces the counts, `end` sets the final status. */
export function nextProgress(current: Progress | undefined, event: BatchEvent): Progress | undefined {
  switch (event.type) {
    case 'progress':
      return event.data;
    case 'end':
      return current ? { ...current, status: event.data.status } : current;
    case 'domain':
      return current;
  }
}

/** Ended domains over all, 0..1 (the API's own `progress`, recomputed when there is none). */
export function fraction(
  progress: Pick<Progress, 'total_domains' | 'completed_domains' | 'failed_domains' | 'cancelled_domains'>,
): number {
  if (progress.total_domains === 0) return 0;
  const ended = progress.completed_domains + progress.failed_domains + progress.cancelled_domains;
  return Math.min(1, ended / progress.total_domains);
}

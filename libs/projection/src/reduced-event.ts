import {
  type BatchEvent,
  type PageResult,
  type PagesTruncation,
  succeededPageCount,
  wellFormedText,
} from '@trawl/contracts';

const REASON_CHARS = 500;

/** The truncation mark of an attempt whose pages are all left out (counts stay exact). */
function allPagesOmitted(data: { pages: PageResult[]; truncated?: PagesTruncation }): PagesTruncation {
  return {
    pages_omitted: data.pages.length + (data.truncated?.pages_omitted ?? 0),
    succeeded_pages_omitted: succeededPageCount(data),
    fields_trimmed: true,
  };
}

/**
 * What the projection keeps of an event it could not store as it is: everything the lifecycle
 * needs (type, ids, attempt, status-deciding fields) and none of the payload that failed (metadata,
 * pages, extraction), plus the reason where a reader will see it. Applying this instead keeps the
 * projection in step with the scheduler (both fold the same event), so a payload Postgres refuses
 * never leaves a domain or a batch unfinished: a dead letter is then left for true bugs only.
 */
export function reducedEvent(event: BatchEvent, reason: string): BatchEvent {
  const note = `not stored: ${wellFormedText(reason, REASON_CHARS)}`;
  switch (event.type) {
    case 'batch.requested':
      return { ...event, data: { ...event.data, metadata: { projection_error: note } } };
    case 'domain.scraped':
      return {
        ...event,
        data: {
          ...event.data,
          pages: [],
          truncated: allPagesOmitted(event.data),
          extraction: { emails: [], phones: [], socials: [], technologies: [], projection_error: note },
        } as typeof event.data,
      };
    case 'domain.failed':
      return {
        ...event,
        data: {
          ...event.data,
          pages: [],
          truncated: allPagesOmitted(event.data),
          error: { ...event.data.error, message: wellFormedText(`${event.data.error.message} (pages ${note})`, 2000) },
        },
      };
    case 'batch.started':
    case 'batch.cancel-requested':
    case 'batch.retry-requested':
    case 'domain.queued':
    case 'domain.started':
    case 'domain.timed-out':
      return event;
  }
}

import { type SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { BATCH_STATUSES, DOMAIN_STATUSES, TERMINAL_BATCH_STATUSES } from '@trawl/contracts';

/** An event id of the stream: the batch's change sequence (Last-Event-ID takes it back). */
export const LAST_EVENT_ID_PATTERN = '^[0-9]{1,18}$';

const count = { type: 'integer', minimum: 0 } as const;

/** One event of `text/event-stream` as Open API 3.0 has a schema describe it: its fields, `data` as JSON. */
function event(name: string, description: string, data: SchemaObject): SchemaObject {
  return {
    type: 'object',
    description,
    required: ['event', 'data'],
    properties: {
      event: { type: 'string', enum: [name] },
      id: {
        type: 'string',
        pattern: LAST_EVENT_ID_PATTERN,
        description:
          'The batch change it reflects (resume with it as Last-Event-ID); absent on `end`, on domains not ' +
          'changed yet, and on counts not newer than the Last-Event-ID sent',
      },
      data: { type: 'string', contentMediaType: 'application/json', contentSchema: data } as SchemaObject,
    },
  };
}

/** The events of GET /api/v1/batches/{id}/events (progress/batch-events.stream.ts writes them). */
export const BATCH_EVENT_SCHEMA: SchemaObject = {
  oneOf: [
    event('domain', "A domain's status: every domain once at the start, then at each change", {
      type: 'object',
      required: ['domain', 'status', 'attempts', 'error_class'],
      properties: {
        domain: { type: 'string' },
        status: { type: 'string', enum: [...DOMAIN_STATUSES] },
        attempts: count,
        error_class: { type: 'string', nullable: true },
      },
    }),
    event('progress', "The batch's counts (without an id when they are not newer than the client's Last-Event-ID)", {
      type: 'object',
      required: ['status', 'total_domains', 'completed_domains', 'failed_domains', 'cancelled_domains', 'progress'],
      properties: {
        status: { type: 'string', enum: [...BATCH_STATUSES] },
        total_domains: count,
        completed_domains: count,
        failed_domains: count,
        cancelled_domains: count,
        progress: { type: 'number', minimum: 0, maximum: 1 },
      },
    }),
    event('end', 'The batch has ended; the stream closes after it', {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: [...TERMINAL_BATCH_STATUSES] } },
    }),
  ],
};

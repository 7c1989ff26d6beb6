import { z } from 'zod';
import { BATCH_STATUSES, DOMAIN_STATUSES } from '@trawl/contracts';

// What the CLI reads of the gateway's answers (README.md "The API"): the fields it uses are checked,
// the rest is passed through as it came (--json prints the answer whole).

const batchStatus = z.enum(BATCH_STATUSES);
const count = z.number().int().nonnegative();

export const errorBodySchema = z.looseObject({ message: z.string() });

export const acceptedSchema = z.looseObject({ batch_id: z.string(), job_count: count });
export type Accepted = z.infer<typeof acceptedSchema>;

export const batchSummarySchema = z.looseObject({
  batch_id: z.string(),
  status: batchStatus,
  total_domains: count,
  completed_domains: count,
  failed_domains: count,
  cancelled_domains: count,
  progress: z.number(),
  created_at: z.string(),
  start_time: z.string().nullable(),
  end_time: z.string().nullable(),
  processing_time: z.number().nullable(),
  error: z.string().nullable().optional(),
  stuck_since: z.string().nullable().optional(),
  trace_id: z.string().nullable().optional(),
  max_pages: z.number().optional(),
  max_concurrent_jobs: z.number().optional(),
  pages_scraped: z.number().optional(),
  cancel_requested_at: z.string().nullable().optional(),
});
export type BatchSummary = z.infer<typeof batchSummarySchema>;

export const batchListSchema = z.looseObject({
  items: z.array(batchSummarySchema),
  next_cursor: z.string().nullable(),
});

export const cancelAcceptedSchema = z.looseObject({ batch_id: z.string(), status: z.string() });

/** POST /api/v1/batches/:id/retry-failed → 202: a new round of attempts for the failed domains. */
export const retryAcceptedSchema = z.looseObject({
  batch_id: z.string(),
  status: z.string(),
  round: z.number().int().positive(),
  domains: count,
});

/** GET /api/v1/batches/:id/trace: what the waterfall draws (TraceDocument in apps/cli/src/trace/trace-waterfall.ts: a BatchTrace, tolerantly). */
export const traceDocumentSchema = z.looseObject({
  trace_id: z.string(),
  span_count: count,
  services: z.array(z.string()),
  duration_ms: z.number(),
  error_count: count.optional(),
  truncated: z.boolean(),
  jaeger_ui_url: z.string().optional(),
  spans: z.array(
    z.looseObject({
      span_id: z.string(),
      parent_span_id: z.string().nullable(),
      links: z.array(z.string()).optional(),
      service: z.string(),
      name: z.string(),
      kind: z.string().optional(),
      start_offset_ms: z.number(),
      duration_ms: z.number(),
      error: z.boolean(),
      error_message: z.string().nullable().optional(),
      attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    }),
  ),
});

/** Server-Sent Events of GET /api/v1/batches/:id/events. */
export const domainEventSchema = z.looseObject({
  domain: z.string(),
  status: z.enum(DOMAIN_STATUSES),
  attempts: z.number().optional(),
  error_class: z.string().nullable().optional(),
});
export type DomainEvent = z.infer<typeof domainEventSchema>;

export const progressEventSchema = z.looseObject({
  status: batchStatus,
  total_domains: count,
  completed_domains: count,
  failed_domains: count,
  cancelled_domains: count,
  progress: z.number(),
});
export type ProgressEvent = z.infer<typeof progressEventSchema>;

export const endEventSchema = z.looseObject({ status: batchStatus });

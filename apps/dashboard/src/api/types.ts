/** The API's documents as the dashboard reads them (the OpenAPI document at /docs-json is the reference). */

export const BATCH_STATUSES = ['pending', 'running', 'complete', 'partial', 'failed', 'cancelled'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];
export const TERMINAL_BATCH_STATUSES: readonly BatchStatus[] = ['complete', 'partial', 'failed', 'cancelled'];

export const DOMAIN_STATUSES = ['pending', 'queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];

export const isTerminal = (status: BatchStatus): boolean => TERMINAL_BATCH_STATUSES.includes(status);

export interface BatchSummary {
  batch_id: string;
  status: BatchStatus;
  total_domains: number;
  completed_domains: number;
  failed_domains: number;
  cancelled_domains: number;
  progress: number;
  created_at: string;
  updated_at: string;
  start_time: string | null;
  end_time: string | null;
  processing_time: number | null;
  error: string | null;
  metadata: Record<string, unknown>;
  trace_id: string | null;
  max_pages: number;
  max_concurrent_jobs: number;
  pages_scraped: number;
  cancel_requested_at: string | null;
  stuck_since: string | null;
  retry_rounds: number;
  retry_requested_at: string | null;
}

export interface BatchList {
  items: BatchSummary[];
  next_cursor: string | null;
}

export interface BatchAccepted {
  batch_id: string;
  status_url: string;
  job_count: number;
  created_at: string;
  trace_id: string | null;
}

/** Optional fields: a projection that could not store the extraction keeps `{projection_error}` instead. */
export interface Extraction {
  emails?: string[];
  phones?: string[];
  socials?: { platform: string; url: string }[];
  technologies?: string[];
}

export interface DomainSummary {
  domain: string;
  status: DomainStatus;
  attempts: number;
  deliveries: number;
  pages_scraped: number;
  started_at: string | null;
  finished_at: string | null;
  error: { class: string; message: string; retryable: boolean } | null;
  extraction: Extraction | null;
}

export interface DomainList {
  items: DomainSummary[];
  next_cursor: string | null;
}

export interface Page {
  url: string;
  final_url: string;
  status_code: number | null;
  title: string | null;
  description: string | null;
  language: string | null;
  links_found: number;
  bytes: number;
  depth: number;
  fetched_at: string;
  duration_ms: number;
  error: string | null;
}

export interface DomainDetail extends DomainSummary {
  pages: Page[];
}

/** GET /api/v1/batches/:id/trace (the gateway's document, shared with the CLI). */
export type { BatchTrace as TraceDocument, TraceSpan } from '@trawl/contracts/api/batch-trace';

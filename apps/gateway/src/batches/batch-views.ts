import { type BatchStatus, type DomainExtraction, type DomainStatus } from '@trawl/contracts';
import {
  type BatchStatusDto,
  type BatchSummaryDto,
  type DomainDetailDto,
  type DomainSummaryDto,
  type PageDto,
} from './dto/batch-responses.dto';

/** A row of the batches projection, as selected by the read queries. */
export interface BatchRow {
  id: string;
  status: BatchStatus;
  total_domains: number;
  succeeded_domains: number;
  failed_domains: number;
  cancelled_domains: number;
  pages_scraped: number;
  max_pages: number;
  max_concurrent_jobs: number;
  metadata: Record<string, unknown>;
  trace_id: string | null;
  error: string | null;
  created_at: Date;
  updated_at: Date;
  start_time: Date | null;
  end_time: Date | null;
  cancel_requested_at: Date | null;
  stuck_since: Date | null;
  retry_rounds: number;
  retry_requested_at: Date | null;
}

/** An accepted submission the projection has not caught up with yet. */
export interface SubmissionRow {
  batch_id: string;
  total_domains: number;
  max_pages: number;
  max_concurrent_jobs: number;
  metadata: Record<string, unknown>;
  trace_id: string | null;
  created_at: Date;
}

export interface DomainRow {
  domain: string;
  ordinal: number;
  status: DomainStatus;
  attempt: number;
  deliveries: number;
  pages_scraped: number;
  started_at: Date | null;
  finished_at: Date | null;
  error_class: string | null;
  error_message: string | null;
  error_retryable: boolean | null;
  extraction?: DomainExtraction | null;
}

export interface PageRow {
  url: string;
  final_url: string;
  status_code: number | null;
  title: string | null;
  description: string | null;
  language: string | null;
  canonical_url: string | null;
  h1: string[];
  h2: string[];
  links_found: number;
  bytes: number;
  depth: number;
  fetched_at: Date;
  duration_ms: number;
  error: string | null;
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

/** Share of ended domains, 0..1, to 4 decimals. */
export function progressOf(
  row: Pick<BatchRow, 'total_domains' | 'succeeded_domains' | 'failed_domains' | 'cancelled_domains'>,
): number {
  if (row.total_domains <= 0) return 0;
  const ended = row.succeeded_domains + row.failed_domains + row.cancelled_domains;
  return Math.round((Math.min(ended, row.total_domains) / row.total_domains) * 10_000) / 10_000;
}

/** Seconds from start to end (from creation if it ended before it started, e.g. cancelled); null until ended. */
export function processingTimeOf(row: Pick<BatchRow, 'created_at' | 'start_time' | 'end_time'>): number | null {
  if (!row.end_time) return null;
  const from = row.start_time ?? row.created_at;
  return Math.max(0, row.end_time.getTime() - from.getTime()) / 1000;
}

export function batchSummary(row: BatchRow): BatchSummaryDto {
  return {
    batch_id: row.id,
    status: row.status,
    total_domains: row.total_domains,
    completed_domains: row.succeeded_domains,
    failed_domains: row.failed_domains,
    cancelled_domains: row.cancelled_domains,
    progress: progressOf(row),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    start_time: iso(row.start_time),
    end_time: iso(row.end_time),
    processing_time: processingTimeOf(row),
    error: row.error,
    metadata: row.metadata,
    trace_id: row.trace_id,
    max_pages: row.max_pages,
    max_concurrent_jobs: row.max_concurrent_jobs,
    pages_scraped: row.pages_scraped,
    cancel_requested_at: iso(row.cancel_requested_at),
    stuck_since: iso(row.stuck_since),
    retry_rounds: row.retry_rounds,
    retry_requested_at: iso(row.retry_requested_at),
  };
}

export function batchStatus(row: BatchRow, domainStatuses: Record<string, DomainStatus>): BatchStatusDto {
  return { ...batchSummary(row), domain_statuses: domainStatuses };
}

/** What GET answers between the 202 and the projection's first row: pending, nothing counted yet. */
export function pendingStatus(submission: SubmissionRow): BatchStatusDto {
  return batchStatus(
    {
      id: submission.batch_id,
      status: 'pending',
      total_domains: submission.total_domains,
      succeeded_domains: 0,
      failed_domains: 0,
      cancelled_domains: 0,
      pages_scraped: 0,
      max_pages: submission.max_pages,
      max_concurrent_jobs: submission.max_concurrent_jobs,
      metadata: submission.metadata,
      trace_id: submission.trace_id,
      error: null,
      created_at: submission.created_at,
      updated_at: submission.created_at,
      start_time: null,
      end_time: null,
      cancel_requested_at: null,
      stuck_since: null,
      retry_rounds: 0,
      retry_requested_at: null,
    },
    {},
  );
}

export function domainSummary(row: DomainRow): DomainSummaryDto {
  return {
    domain: row.domain,
    status: row.status,
    attempts: row.attempt,
    deliveries: row.deliveries,
    pages_scraped: row.pages_scraped,
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
    error:
      row.error_class === null
        ? null
        : { class: row.error_class, message: row.error_message ?? '', retryable: row.error_retryable ?? false },
    extraction: row.extraction ?? null,
  };
}

export function domainDetail(row: DomainRow, pages: PageRow[]): DomainDetailDto {
  return {
    ...domainSummary(row),
    pages: pages.map((page): PageDto => ({
      url: page.url,
      final_url: page.final_url,
      status_code: page.status_code,
      title: page.title,
      description: page.description,
      language: page.language,
      canonical_url: page.canonical_url,
      h1: page.h1,
      h2: page.h2,
      links_found: page.links_found,
      bytes: page.bytes,
      depth: page.depth,
      fetched_at: page.fetched_at.toISOString(),
      duration_ms: page.duration_ms,
      error: page.error,
    })),
  };
}

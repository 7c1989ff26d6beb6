import { Injectable } from '@nestjs/common';
import { type DomainStatus } from '@trawl/contracts';
import { Database } from '../common/database';
import { parseTimestamp } from '../common/timestamp';
import {
  CURSOR_MESSAGE,
  decodeCreatedCursor,
  decodeOrdinalCursor,
  encodeCreatedCursor,
  encodeOrdinalCursor,
} from '../common/cursor';
import { ApiError, badRequest, notFound } from '../http/api-error';
import {
  batchStatus,
  type BatchRow,
  batchSummary,
  domainDetail,
  type DomainRow,
  domainSummary,
  type PageRow,
  pendingStatus,
  type SubmissionRow,
} from './batch-views';
import { normaliseDomain } from './domain-list';
import {
  type BatchListDto,
  type BatchStatusDto,
  type DomainDetailDto,
  type DomainListDto,
} from './dto/batch-responses.dto';
import { type ListBatchesQueryDto, type ListDomainsQueryDto } from './dto/batch-queries.dto';

export const DEFAULT_DOMAIN_PAGE = 100;
export const DEFAULT_BATCH_PAGE = 50;

const BATCH_COLUMNS = `b.id, b.status, b.total_domains, b.succeeded_domains, b.failed_domains, b.cancelled_domains,
  b.pages_scraped, b.max_pages, b.max_concurrent_jobs, b.metadata, b.trace_id, b.error, b.created_at, b.updated_at,
  b.start_time, b.end_time, b.cancel_requested_at, b.stuck_since, b.retry_rounds, b.retry_requested_at`;

const DOMAIN_COLUMNS = `d.domain, d.ordinal, d.status, d.attempt, d.deliveries, d.pages_scraped, d.started_at, d.finished_at,
  d.error_class, d.error_message, d.error_retryable, d.extraction`;

/** The DTOs let only cursors of the documented form through; every such cursor decodes. */
function cursorOrThrow<T>(cursor: string | undefined, decode: (cursor: string) => T | undefined): T | undefined {
  if (cursor === undefined) return undefined;
  const decoded = decode(cursor);
  if (decoded === undefined) throw badRequest(CURSOR_MESSAGE);
  return decoded;
}

function timeOrThrow(value: string | undefined, name: string): Date | null {
  if (value === undefined) return null;
  const time = parseTimestamp(value);
  if (time === undefined) throw badRequest(`${name} must be an ISO 8601 date-time (RFC 3339) or date`);
  return time;
}

/**
 * Reads from the projection (written only by the aggregator), always within the caller's tenant:
 * another tenant's batch is simply not found.
 */
@Injectable()
export class BatchReadsService {
  constructor(private readonly database: Database) {}

  async status(tenant: string, batchId: string): Promise<BatchStatusDto> {
    const rows = await this.database.rows<BatchRow & { domain_statuses: Record<string, DomainStatus> | null }>(
      `select ${BATCH_COLUMNS},
         (select json_object_agg(d.domain, d.status order by d.ordinal) from batch_domains d where d.batch_id = b.id)
           as domain_statuses
       from batches b where b.id = $1 and b.tenant = $2`,
      [batchId, tenant],
    );
    const row = rows[0];
    if (row) return batchStatus(row, row.domain_statuses ?? {});
    const submission = await this.acceptedSubmission(tenant, batchId);
    if (submission) return pendingStatus(submission);
    throw this.batchNotFound(batchId);
  }

  async listDomains(tenant: string, batchId: string, query: ListDomainsQueryDto): Promise<DomainListDto> {
    const after = cursorOrThrow(query.cursor, decodeOrdinalCursor);
    const limit = query.limit ?? DEFAULT_DOMAIN_PAGE;
    await this.assertBatchVisible(tenant, batchId);
    const rows = await this.database.rows<DomainRow>(
      `select ${DOMAIN_COLUMNS} from batch_domains d
       where d.batch_id = $1 and ($2::text is null or d.status = $2) and d.ordinal > $3
       order by d.ordinal limit $4`,
      [batchId, query.status ?? null, after ?? -1, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(domainSummary),
      next_cursor: rows.length > limit && last ? encodeOrdinalCursor(last.ordinal) : null,
    };
  }

  async domain(tenant: string, batchId: string, rawDomain: string): Promise<DomainDetailDto> {
    const normalised = normaliseDomain(rawDomain);
    if (!normalised.ok) {
      throw badRequest(`"${rawDomain.slice(0, 100)}" is not a domain name: ${normalised.reason}`);
    }
    await this.assertBatchVisible(tenant, batchId);
    const [row] = await this.database.rows<DomainRow>(
      `select ${DOMAIN_COLUMNS} from batch_domains d where d.batch_id = $1 and d.domain = $2`,
      [batchId, normalised.domain],
    );
    if (!row) throw notFound(`domain ${normalised.domain} is not in batch ${batchId}`);
    const pages = await this.database.rows<PageRow>(
      `select url, final_url, status_code, title, description, language, canonical_url, h1, h2, links_found, bytes, depth,
              fetched_at, duration_ms, error
       from pages where batch_id = $1 and domain = $2 order by position`,
      [batchId, normalised.domain],
    );
    return domainDetail(row, pages);
  }

  async list(tenant: string, query: ListBatchesQueryDto): Promise<BatchListDto> {
    const before = cursorOrThrow(query.cursor, decodeCreatedCursor);
    const createdAfter = timeOrThrow(query.created_after, 'created_after');
    const createdBefore = timeOrThrow(query.created_before, 'created_before');
    const limit = query.limit ?? DEFAULT_BATCH_PAGE;
    // The cursor keeps created_at to the microsecond, so that rows created in the same millisecond page correctly.
    const rows = await this.database.rows<BatchRow & { created_us: string }>(
      `select ${BATCH_COLUMNS}, (extract(epoch from b.created_at) * 1000000)::bigint::text as created_us
       from batches b
       where b.tenant = $1
         and ($2::text is null or b.status = $2)
         and ($3::timestamptz is null or b.created_at >= $3)
         and ($4::timestamptz is null or b.created_at < $4)
         and ($5::bigint is null
              or (b.created_at, b.id) < ('epoch'::timestamptz + $5::bigint * interval '1 microsecond', $6::uuid))
       order by b.created_at desc, b.id desc
       limit $7`,
      [
        tenant,
        query.status ?? null,
        createdAfter,
        createdBefore,
        before?.createdUs ?? null,
        before?.id ?? null,
        limit + 1,
      ],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(batchSummary),
      next_cursor:
        rows.length > limit && last ? encodeCreatedCursor({ createdUs: last.created_us, id: last.id }) : null,
    };
  }

  /** The projection's status of a batch, 'accepted' if only the submission exists yet; 404 otherwise. */
  async batchState(tenant: string, batchId: string): Promise<{ status: BatchRow['status'] } | 'accepted'> {
    const [row] = await this.database.rows<{ status: BatchRow['status'] }>(
      `select status from batches where id = $1 and tenant = $2`,
      [batchId, tenant],
    );
    if (row) return row;
    if (await this.acceptedSubmission(tenant, batchId)) return 'accepted';
    throw this.batchNotFound(batchId);
  }

  private async assertBatchVisible(tenant: string, batchId: string): Promise<void> {
    await this.batchState(tenant, batchId);
  }

  private async acceptedSubmission(tenant: string, batchId: string): Promise<SubmissionRow | undefined> {
    const [row] = await this.database.rows<SubmissionRow>(
      `select batch_id, total_domains, max_pages, max_concurrent_jobs, metadata, trace_id, created_at
       from batch_submissions where batch_id = $1 and tenant = $2 and state = 'accepted'`,
      [batchId, tenant],
    );
    return row;
  }

  private batchNotFound(batchId: string): ApiError {
    return notFound(`batch ${batchId} not found`);
  }
}

import { type EntityManager } from 'typeorm';
import { type BatchStatus, type DomainStatus, type MessageOf, type ScrapeError } from '@trawl/contracts';
import { type BatchProjection, type DomainChange, type DomainProjection } from './projection.projector';

interface BatchRow {
  status: BatchStatus;
  total_domains: number;
  succeeded_domains: number;
  failed_domains: number;
  cancelled_domains: number;
  pages_scraped: number;
  max_attempts: number | null;
  max_deliveries: number | null;
  start_time: Date | null;
  end_time: Date | null;
  cancel_requested_at: Date | null;
  retry_rounds: number;
  retry_requested_at: Date | null;
  error: string | null;
  updated_at: Date;
}

interface DomainRow {
  domain: string;
  status: DomainStatus;
  attempt: number;
  awaiting_retry: boolean;
  deliveries: number;
  round_start: number;
  pages_scraped: number;
  error_class: string | null;
  error_message: string | null;
  error_retryable: boolean | null;
  started_at: Date | null;
  finished_at: Date | null;
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** The Postgres NOTIFY channel on which the projection says which batch changed (payload: its id). */
export const BATCH_PROGRESS_CHANNEL = 'trawl_batch_progress';

/** The projection tables (batches, batch_domains, pages): all of the aggregator's SQL. */
export class ProjectionStore {
  constructor(private readonly em: EntityManager) {}

  async insertBatch(event: MessageOf<'batch.requested'>): Promise<void> {
    const { data } = event;
    const inserted: unknown[] = await this.em.query(
      `insert into batches (id, tenant, status, total_domains, max_pages, max_concurrent_jobs, metadata, trace_id,
         idempotency_key, created_at, updated_at)
       values ($1, $2, 'pending', $3, $4, $5, $6, $7, $8, $9, $10) on conflict do nothing returning id`,
      [
        event.batch_id,
        event.tenant,
        data.domains.length,
        data.max_pages,
        data.max_concurrent_jobs,
        data.metadata,
        data.trace_id,
        data.idempotency_key,
        data.requested_at,
        event.time,
      ],
    );
    if (inserted.length === 0) return;
    await this.em.query(
      `insert into batch_domains (batch_id, domain, ordinal, status, updated_at)
       select $1, t.domain, t.ordinal - 1, 'pending', $3 from unnest($2::text[]) with ordinality as t(domain, ordinal)`,
      [event.batch_id, data.domains, event.time],
    );
  }

  async lockBatch(batchId: string): Promise<BatchProjection | undefined> {
    const rows: BatchRow[] = await this.em.query(`select * from batches where id = $1 for update`, [batchId]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      status: row.status,
      total: row.total_domains,
      succeeded: row.succeeded_domains,
      failed: row.failed_domains,
      cancelled: row.cancelled_domains,
      pagesScraped: row.pages_scraped,
      maxAttempts: row.max_attempts,
      maxDeliveries: row.max_deliveries,
      startTime: iso(row.start_time),
      endTime: iso(row.end_time),
      cancelRequestedAt: iso(row.cancel_requested_at),
      retryRounds: row.retry_rounds,
      retryRequestedAt: iso(row.retry_requested_at),
      error: row.error,
      updatedAt: row.updated_at.toISOString(),
    };
  }

  async domains(batchId: string, names: string[]): Promise<DomainProjection[]> {
    return this.selectDomains(`batch_id = $1 and domain = any($2::text[])`, [batchId, names]);
  }

  async cancellableDomains(batchId: string): Promise<DomainProjection[]> {
    return this.selectDomains(`batch_id = $1 and (status = 'pending' or awaiting_retry)`, [batchId]);
  }

  private async selectDomains(where: string, params: unknown[]): Promise<DomainProjection[]> {
    const rows: DomainRow[] = await this.em.query(
      `select domain, status, attempt, awaiting_retry, deliveries, round_start, pages_scraped, error_class,
         error_message, error_retryable, started_at, finished_at
       from batch_domains where ${where}`,
      params,
    );
    return rows.map((row) => ({
      domain: row.domain,
      view: {
        status: row.status,
        attempt: row.attempt,
        awaitingRetry: row.awaiting_retry,
        deliveries: row.deliveries,
        roundStart: row.round_start,
        lastError: row.error_class
          ? ({
              class: row.error_class,
              message: row.error_message ?? '',
              retryable: row.error_retryable ?? false,
            } satisfies ScrapeError)
          : null,
      },
      startedAt: iso(row.started_at),
      finishedAt: iso(row.finished_at),
      pagesScraped: row.pages_scraped,
    }));
  }

  /**
   * Stores the batch row, takes the next number of its change sequence, and tells listeners
   * (the gateway's progress streams) on commit: NOTIFY is transactional.
   */
  async saveBatch(batchId: string, batch: BatchProjection): Promise<void> {
    await this.em.query(
      `update batches set change_seq = change_seq + 1, status = $2, succeeded_domains = $3, failed_domains = $4,
         cancelled_domains = $5, pages_scraped = $6, max_attempts = $7, max_deliveries = $8, start_time = $9, end_time = $10,
         cancel_requested_at = $11, error = $12, updated_at = $13, retry_rounds = $14, retry_requested_at = $15,
         stuck_since = null where id = $1`,
      [
        batchId,
        batch.status,
        batch.succeeded,
        batch.failed,
        batch.cancelled,
        batch.pagesScraped,
        batch.maxAttempts,
        batch.maxDeliveries,
        batch.startTime,
        batch.endTime,
        batch.cancelRequestedAt,
        batch.error,
        batch.updatedAt,
        batch.retryRounds,
        batch.retryRequestedAt,
      ],
    );
    await this.em.query(`select pg_notify($1, $2)`, [BATCH_PROGRESS_CHANNEL, batchId]);
  }

  async saveDomains(batchId: string, changes: DomainChange[]): Promise<void> {
    if (changes.length === 0) return;
    // The changed rows take the batch's next sequence numbers, in the order they changed.
    const [bumped] = await this.em.query<{ last: string }[]>(
      `with bumped as (update batches set change_seq = change_seq + $2 where id = $1 returning change_seq)
       select change_seq::text as last from bumped`,
      [batchId, changes.length],
    );
    const first = BigInt(bumped!.last) - BigInt(changes.length) + 1n;
    await this.em.query(
      `update batch_domains d set status = u.status, attempt = u.attempt, awaiting_retry = u.awaiting_retry,
         deliveries = u.deliveries, round_start = u.round_start, change_seq = u.change_seq, error_class = u.error_class, error_message = u.error_message,
         error_retryable = u.error_retryable, started_at = u.started_at, finished_at = u.finished_at,
         updated_at = u.updated_at
       from unnest($2::timestamptz[], $3::text[], $4::text[], $5::int[], $6::boolean[], $7::int[], $8::text[],
                   $9::text[], $10::boolean[], $11::timestamptz[], $12::timestamptz[], $13::bigint[], $14::int[])
         as u(updated_at, domain, status, attempt, awaiting_retry, deliveries, error_class, error_message,
              error_retryable, started_at, finished_at, change_seq, round_start)
       where d.batch_id = $1 and d.domain = u.domain`,
      [
        batchId,
        changes.map((c) => c.updatedAt),
        changes.map((c) => c.domain),
        changes.map((c) => c.view.status),
        changes.map((c) => c.view.attempt),
        changes.map((c) => c.view.awaitingRetry),
        changes.map((c) => c.view.deliveries),
        changes.map((c) => c.view.lastError?.class ?? null),
        changes.map((c) => c.view.lastError?.message ?? null),
        changes.map((c) => c.view.lastError?.retryable ?? null),
        changes.map((c) => c.startedAt),
        changes.map((c) => c.finishedAt),
        changes.map((_, index) => String(first + BigInt(index))),
        changes.map((c) => c.view.roundStart),
      ],
    );
    await this.replacePages(
      batchId,
      changes.filter((change) => change.pages !== undefined),
    );
  }

  /** The pages and extraction of every domain whose attempt ended with pages: all in three statements. */
  private async replacePages(batchId: string, changes: DomainChange[]): Promise<void> {
    if (changes.length === 0) return;
    const names = changes.map((change) => change.domain);
    await this.em.query(`delete from pages where batch_id = $1 and domain = any($2::text[])`, [batchId, names]);
    await this.em.query(
      `update batch_domains d set extraction = u.extraction, pages_scraped = u.pages_scraped
       from unnest($2::text[], $3::jsonb[], $4::int[]) as u(domain, extraction, pages_scraped)
       where d.batch_id = $1 and d.domain = u.domain`,
      [
        batchId,
        names,
        changes.map((change) => (change.extraction ? JSON.stringify(change.extraction) : null)),
        changes.map((change) => change.pagesSucceeded ?? 0),
      ],
    );
    const pages = changes.flatMap((change) =>
      (change.pages ?? []).map((page, position) => ({ ...page, domain: change.domain, position })),
    );
    if (pages.length === 0) return;
    await this.em.query(
      `insert into pages (batch_id, domain, position, url, final_url, status_code, content_type, title, description,
         language, canonical_url, h1, h2, links_found, bytes, depth, fetched_at, duration_ms, error)
       select $1, p.domain, p.position, p.url, p.final_url, p.status_code, p.content_type, p.title, p.description,
         p.language, p.canonical_url, p.h1, p.h2, p.links_found, p.bytes, p.depth, p.fetched_at, p.duration_ms, p.error
       from unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[],
                   $10::text[], $11::text[], $12::jsonb[], $13::jsonb[], $14::int[], $15::int[], $16::int[],
                   $17::timestamptz[], $18::float8[], $19::text[])
         as p(domain, position, url, final_url, status_code, content_type, title, description, language,
              canonical_url, h1, h2, links_found, bytes, depth, fetched_at, duration_ms, error)`,
      [
        batchId,
        pages.map((p) => p.domain),
        pages.map((p) => p.position),
        pages.map((p) => p.url),
        pages.map((p) => p.final_url),
        pages.map((p) => p.status_code),
        pages.map((p) => p.content_type),
        pages.map((p) => p.title),
        pages.map((p) => p.description),
        pages.map((p) => p.language),
        pages.map((p) => p.canonical_url),
        pages.map((p) => JSON.stringify(p.h1)),
        pages.map((p) => JSON.stringify(p.h2)),
        pages.map((p) => p.links_found),
        pages.map((p) => p.bytes),
        pages.map((p) => p.depth),
        pages.map((p) => p.fetched_at),
        pages.map((p) => p.duration_ms),
        pages.map((p) => p.error),
      ],
    );
  }
}

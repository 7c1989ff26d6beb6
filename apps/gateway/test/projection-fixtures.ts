import { randomUUID } from 'node:crypto';
import { type DataSource } from 'typeorm';
import { type BatchStatus, type DomainStatus } from '@trawl/contracts';

/** Projection rows written straight into a test database, as the aggregator would have. */
export interface BatchFixture {
  id?: string;
  tenant: string;
  status: BatchStatus;
  total?: number;
  succeeded?: number;
  failed?: number;
  cancelled?: number;
  pages?: number;
  createdAt?: Date;
  startTime?: Date | null;
  endTime?: Date | null;
  metadata?: Record<string, unknown>;
}

export async function insertBatch(sql: DataSource, batch: BatchFixture): Promise<string> {
  const id = batch.id ?? randomUUID();
  const createdAt = batch.createdAt ?? new Date();
  await sql.query(
    `insert into batches (id, tenant, status, total_domains, succeeded_domains, failed_domains, cancelled_domains,
       pages_scraped, max_pages, max_concurrent_jobs, metadata, created_at, updated_at, start_time, end_time)
     values ($1, $2, $3, $4, $5, $6, $7, $8, 10, 5, $9::jsonb, $10, $10, $11, $12)`,
    [
      id,
      batch.tenant,
      batch.status,
      batch.total ?? 1,
      batch.succeeded ?? 0,
      batch.failed ?? 0,
      batch.cancelled ?? 0,
      batch.pages ?? 0,
      JSON.stringify(batch.metadata ?? {}),
      createdAt,
      batch.startTime ?? null,
      batch.endTime ?? null,
    ],
  );
  return id;
}

export interface DomainFixture {
  domain: string;
  status: DomainStatus;
  attempt?: number;
  pagesScraped?: number;
  error?: { class: string; message: string; retryable: boolean };
  extraction?: Record<string, unknown>;
  startedAt?: Date;
  finishedAt?: Date;
}

export async function insertDomains(sql: DataSource, batchId: string, domains: DomainFixture[]): Promise<void> {
  for (const [ordinal, domain] of domains.entries()) {
    await sql.query(
      `insert into batch_domains (batch_id, domain, ordinal, status, attempt, pages_scraped, started_at, finished_at,
         error_class, error_message, error_retryable, extraction, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, now())`,
      [
        batchId,
        domain.domain,
        ordinal,
        domain.status,
        domain.attempt ?? 0,
        domain.pagesScraped ?? 0,
        domain.startedAt ?? null,
        domain.finishedAt ?? null,
        domain.error?.class ?? null,
        domain.error?.message ?? null,
        domain.error?.retryable ?? null,
        domain.extraction ? JSON.stringify(domain.extraction) : null,
      ],
    );
  }
}

export async function insertPage(
  sql: DataSource,
  batchId: string,
  domain: string,
  position: number,
  page: { url: string; title: string; fetchedAt: Date },
): Promise<void> {
  await sql.query(
    `insert into pages (batch_id, domain, position, url, final_url, status_code, content_type, title, description,
       language, canonical_url, h1, h2, links_found, bytes, depth, fetched_at, duration_ms, error)
     values ($1, $2, $3, $4, $4, 200, 'text/html', $5, 'About us', 'en', $4, '["Welcome"]', '["Who we are"]', 12, 3456, $3, $6, 42.5, null)`,
    [batchId, domain, position, page.url, page.title, page.fetchedAt],
  );
}

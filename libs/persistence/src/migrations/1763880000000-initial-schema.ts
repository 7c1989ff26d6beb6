import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The first schema: the batch projection (aggregator writes, gateway reads), the scheduler's
 * durable state, and the gateway's API keys and accepted submissions.
 */
export class InitialSchema1763880000000 implements MigrationInterface {
  name = 'InitialSchema1763880000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create table batches (
        id uuid primary key,
        tenant text not null,
        status text not null check (status in ('pending','running','complete','partial','failed','cancelled')),
        total_domains integer not null,
        succeeded_domains integer not null default 0,
        failed_domains integer not null default 0,
        cancelled_domains integer not null default 0,
        pages_scraped integer not null default 0,
        max_pages integer not null,
        max_concurrent_jobs integer not null,
        max_attempts integer,
        metadata jsonb not null default '{}',
        trace_id text,
        idempotency_key text,
        error text,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        start_time timestamptz,
        end_time timestamptz,
        cancel_requested_at timestamptz
      )`);
    await db.query(`create index batches_tenant_created_idx on batches (tenant, created_at desc, id desc)`);
    await db.query(
      `create index batches_tenant_status_created_idx on batches (tenant, status, created_at desc, id desc)`,
    );

    await db.query(`
      create table batch_domains (
        batch_id uuid not null references batches (id) on delete cascade,
        domain text not null,
        ordinal integer not null,
        status text not null check (status in ('pending','queued','running','succeeded','failed','cancelled')),
        attempt integer not null default 0,
        awaiting_retry boolean not null default false,
        pages_scraped integer not null default 0,
        started_at timestamptz,
        finished_at timestamptz,
        error_class text,
        error_message text,
        error_retryable boolean,
        extraction jsonb,
        updated_at timestamptz not null,
        primary key (batch_id, domain)
      )`);
    await db.query(`create unique index batch_domains_order_idx on batch_domains (batch_id, ordinal)`);
    await db.query(`create index batch_domains_status_idx on batch_domains (batch_id, status, ordinal)`);

    await db.query(`
      create table pages (
        batch_id uuid not null,
        domain text not null,
        position integer not null,
        url text not null,
        final_url text not null,
        status_code integer,
        content_type text,
        title text,
        description text,
        language text,
        canonical_url text,
        h1 jsonb not null default '[]',
        links_found integer not null default 0,
        bytes integer not null default 0,
        depth integer not null default 0,
        fetched_at timestamptz not null,
        duration_ms double precision not null,
        error text,
        primary key (batch_id, domain, position),
        foreign key (batch_id, domain) references batch_domains (batch_id, domain) on delete cascade
      )`);

    await db.query(`
      create table processed_events (
        consumer text not null,
        event_id uuid not null,
        processed_at timestamptz not null default now(),
        primary key (consumer, event_id)
      )`);

    await db.query(`
      create table scheduler_batches (
        batch_id uuid primary key,
        tenant text not null,
        total integer not null,
        max_concurrent integer not null,
        max_pages integer not null,
        max_attempts integer not null,
        next_ordinal integer not null default 0,
        in_flight integer not null default 0,
        ended integer not null default 0,
        started boolean not null default false,
        cancel_requested boolean not null default false,
        finished boolean not null default false,
        trace_headers jsonb not null default '{}',
        created_at timestamptz not null default now()
      )`);
    await db.query(`
      create table scheduler_domains (
        batch_id uuid not null references scheduler_batches (batch_id) on delete cascade,
        ordinal integer not null,
        domain text not null,
        status text not null,
        attempt integer not null default 0,
        awaiting_retry boolean not null default false,
        last_error jsonb,
        dispatched_attempt integer not null default 0,
        due_at timestamptz,
        primary key (batch_id, ordinal)
      )`);
    await db.query(`create unique index scheduler_domains_domain_idx on scheduler_domains (batch_id, domain)`);
    await db.query(`create index scheduler_domains_due_idx on scheduler_domains (due_at) where due_at is not null`);

    await db.query(`
      create table api_keys (
        id uuid primary key,
        tenant text not null,
        key_hash text not null unique,
        key_prefix text not null,
        created_at timestamptz not null default now(),
        revoked_at timestamptz
      )`);
    await db.query(`
      create table batch_submissions (
        batch_id uuid primary key,
        tenant text not null,
        idempotency_key text,
        request_hash text not null,
        state text not null check (state in ('submitting','accepted')),
        total_domains integer not null,
        max_pages integer not null,
        max_concurrent_jobs integer not null,
        metadata jsonb not null,
        trace_id text,
        created_at timestamptz not null
      )`);
    await db.query(
      `create unique index batch_submissions_idempotency_idx on batch_submissions (tenant, idempotency_key) where idempotency_key is not null`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'batch_submissions',
      'api_keys',
      'scheduler_domains',
      'scheduler_batches',
      'processed_events',
      'pages',
      'batch_domains',
      'batches',
    ]) {
      await db.query(`drop table if exists ${table}`);
    }
  }
}

import { type EntityManager } from 'typeorm';
import { type DomainStatus, type ScrapeError } from '@trawl/contracts';
import { type DomainSelection } from './batch-flow.decider';
import { type FlowBatch, type FlowDomain } from './batch-flow.state';

interface BatchRow {
  batch_id: string;
  tenant: string;
  total: number;
  max_concurrent: number;
  max_pages: number;
  max_attempts: number;
  max_deliveries: number;
  next_ordinal: number;
  release_end: number;
  in_flight: number;
  ended: number;
  started: boolean;
  cancel_requested: boolean;
  finished: boolean;
  trace_headers: Record<string, string>;
}

interface DomainRow {
  ordinal: number;
  domain: string;
  status: DomainStatus;
  attempt: number;
  awaiting_retry: boolean;
  last_error: ScrapeError | null;
  deliveries: number;
  round_start: number;
  dispatched_attempt: number;
  due_at: Date | null;
}

export interface StoredBatch {
  batch: FlowBatch;
  traceHeaders: Record<string, string>;
}

const DOMAIN_COLUMNS =
  'ordinal, domain, status, attempt, awaiting_retry, last_error, deliveries, round_start, dispatched_attempt, due_at';

function domainFromRow(row: DomainRow): FlowDomain {
  return {
    ordinal: row.ordinal,
    domain: row.domain,
    view: {
      status: row.status,
      attempt: row.attempt,
      awaitingRetry: row.awaiting_retry,
      lastError: row.last_error,
      deliveries: row.deliveries,
      roundStart: row.round_start,
    },
    dispatchedAttempt: row.dispatched_attempt,
    dueAt: row.due_at,
  };
}

/** The scheduler's durable state (scheduler_batches, scheduler_domains): all SQL lives here. */
export class BatchFlowStore {
  constructor(private readonly em: EntityManager) {}

  /** Stores a new batch with its domains, all pending. False if it was stored before. */
  async insert(batch: FlowBatch, domains: string[], traceHeaders: Record<string, string>): Promise<boolean> {
    const inserted: unknown[] = await this.em.query(
      `insert into scheduler_batches (batch_id, tenant, total, release_end, max_concurrent, max_pages, max_attempts,
         max_deliveries, trace_headers)
       values ($1, $2, $3, $3, $4, $5, $6, $7, $8) on conflict do nothing returning batch_id`,
      [
        batch.batchId,
        batch.tenant,
        batch.total,
        batch.maxConcurrent,
        batch.maxPages,
        batch.maxAttempts,
        batch.maxDeliveries,
        traceHeaders,
      ],
    );
    if (inserted.length === 0) return false;
    await this.em.query(
      `insert into scheduler_domains (batch_id, ordinal, domain, status)
       select $1, t.ordinal - 1, t.domain, 'pending' from unnest($2::text[]) with ordinality as t(domain, ordinal)`,
      [batch.batchId, domains],
    );
    return true;
  }

  /**
   * The batch, locked for this transaction (events and timers of one batch never interleave), with
   * the competition for dispatch capacity (served by scheduler_batches_active_idx: the unfinished
   * batches are few). One round trip: the counts come from the statement's snapshot, taken before
   * any wait for the lock; they only weigh the batch's fair share, the locked row is its newest.
   */
  async lock(batchId: string): Promise<StoredBatch | undefined> {
    const rows: (BatchRow & { tenants: number; tenant_batches: number })[] = await this.em.query(
      `select b.*, c.tenants, c.tenant_batches
       from scheduler_batches b
       cross join lateral (
         select count(distinct tenant)::int as tenants, count(*) filter (where tenant = b.tenant)::int as tenant_batches
         from scheduler_batches where not finished) c
       where b.batch_id = $1
       for update of b`,
      [batchId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      batch: {
        batchId: row.batch_id,
        tenant: row.tenant,
        total: row.total,
        maxConcurrent: row.max_concurrent,
        maxPages: row.max_pages,
        maxAttempts: row.max_attempts,
        maxDeliveries: row.max_deliveries,
        nextOrdinal: row.next_ordinal,
        releaseEnd: row.release_end,
        inFlight: row.in_flight,
        ended: row.ended,
        started: row.started,
        cancelRequested: row.cancel_requested,
        finished: row.finished,
        competition: { tenants: Math.max(1, row.tenants), tenantBatches: Math.max(1, row.tenant_batches) },
      },
      traceHeaders: row.trace_headers,
    };
  }

  /** The domains a decision selected (`rowsFor`), each once; one statement whatever it names. */
  async load(batchId: string, selection: DomainSelection): Promise<FlowDomain[]> {
    const params: unknown[] = [batchId];
    const param = (value: unknown) => `$${params.push(value)}`;
    const conditions: string[] = [];
    if (selection.named.length > 0) conditions.push(`domain = any(${param(selection.named)}::text[])`);
    if (selection.window) {
      // The next pending domains, for release: at most `count` from `from`.
      const { from, count } = selection.window;
      conditions.push(`ordinal >= ${param(from)}::int and ordinal < ${param(from + count)}::int`);
    }
    // Domains a cancel can still stop: never queued in the log, or waiting for a retry.
    if (selection.cancellable) conditions.push(`(status = 'pending' or awaiting_retry)`);
    if (selection.dueBy) conditions.push(`due_at <= ${param(selection.dueBy)}::timestamptz`);
    if (conditions.length === 0) return [];
    // A union rather than one `or`: each branch keeps its own index (by domain, by ordinal).
    const rows: DomainRow[] = await this.em.query(
      conditions
        .map((condition) => `select ${DOMAIN_COLUMNS} from scheduler_domains where batch_id = $1 and ${condition}`)
        .join(' union '),
      params,
    );
    return rows.map(domainFromRow);
  }

  /** The batch's row and the changed domains' rows, in one statement (a round trip per run of decisions). */
  async save(batch: FlowBatch, domains: FlowDomain[]): Promise<void> {
    const params: unknown[] = [
      batch.batchId,
      batch.nextOrdinal,
      batch.releaseEnd,
      batch.inFlight,
      batch.ended,
      batch.started,
      batch.cancelRequested,
      batch.finished,
    ];
    const updateBatch = `update scheduler_batches set next_ordinal = $2, release_end = $3, in_flight = $4, ended = $5,
         started = $6, cancel_requested = $7, finished = $8 where batch_id = $1`;
    if (domains.length === 0) {
      await this.em.query(updateBatch, params);
    } else {
      // Rows by domain: a retry round moves a row to a new ordinal, or brings back one a finished batch no longer kept.
      params.push(
        domains.map((d) => d.ordinal),
        domains.map((d) => d.domain),
        domains.map((d) => d.view.status),
        domains.map((d) => d.view.attempt),
        domains.map((d) => d.view.awaitingRetry),
        domains.map((d) => (d.view.lastError ? JSON.stringify(d.view.lastError) : null)),
        domains.map((d) => d.view.deliveries),
        domains.map((d) => d.view.roundStart),
        domains.map((d) => d.dispatchedAttempt),
        domains.map((d) => d.dueAt),
      );
      await this.em.query(
        `with saved_batch as (${updateBatch})
         insert into scheduler_domains (batch_id, ordinal, domain, status, attempt, awaiting_retry, last_error,
           deliveries, round_start, dispatched_attempt, due_at)
         select $1, u.* from unnest($9::int[], $10::text[], $11::text[], $12::int[], $13::boolean[], $14::jsonb[],
                     $15::int[], $16::int[], $17::int[], $18::timestamptz[])
           as u(ordinal, domain, status, attempt, awaiting_retry, last_error, deliveries, round_start,
                dispatched_attempt, due_at)
         on conflict (batch_id, domain) do update set ordinal = excluded.ordinal, status = excluded.status,
           attempt = excluded.attempt, awaiting_retry = excluded.awaiting_retry, last_error = excluded.last_error,
           deliveries = excluded.deliveries, round_start = excluded.round_start,
           dispatched_attempt = excluded.dispatched_attempt, due_at = excluded.due_at`,
        params,
      );
    }
    if (batch.finished) {
      // Nothing more will happen to the other domains; the failed ones stay for a retry-failed
      // request, the batch row to recognise late events. A statement of its own: it deletes rows
      // the upsert above may have written, which one statement's snapshot would not see.
      await this.em.query(`delete from scheduler_domains where batch_id = $1 and status <> 'failed'`, [batch.batchId]);
    }
  }

  /** Batches with a timer due, oldest first. */
  async batchesWithDueTimers(now: Date, limit: number): Promise<string[]> {
    const rows: { batch_id: string }[] = await this.em.query(
      `select batch_id from scheduler_domains where due_at <= $1 group by batch_id order by min(due_at) limit $2`,
      [now, limit],
    );
    return rows.map((row) => row.batch_id);
  }
}

import { type DataSource, type EntityManager } from 'typeorm';

/** The projection's tables, parents first; a replay rebuilds exactly these. */
export const PROJECTION_TABLES = ['batches', 'batch_domains', 'pages'] as const;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A schema name safe to put in SQL as it is (ours are generated; this guards against a slip). */
export function checkedSchema(name: string): string {
  if (!SCHEMA_NAME.test(name)) throw new Error(`not a plain schema name: ${name}`);
  return name;
}

/**
 * A fresh schema with empty copies of the projection's tables (columns, defaults, checks,
 * indexes and the foreign keys between them) and a processed_events table of its own.
 */
export async function createReplaySchema(dataSource: DataSource, schema: string): Promise<void> {
  const name = checkedSchema(schema);
  await dataSource.transaction(async (em) => {
    await em.query(`create schema ${name}`);
    for (const table of [...PROJECTION_TABLES, 'processed_events']) {
      await em.query(`create table ${name}.${table} (like public.${table} including all)`);
    }
    await nameIndexesAsLive(em, name);
    // `like` copies no foreign keys: recreate those between the projection's tables.
    const foreignKeys: { name: string; table: string; definition: string }[] = await em.query(
      `select c.conname as name, t.relname as table, pg_get_constraintdef(c.oid) as definition
       from pg_constraint c join pg_class t on t.oid = c.conrelid
       where c.contype = 'f' and c.connamespace = 'public'::regnamespace and t.relname = any($1::text[])`,
      [PROJECTION_TABLES],
    );
    // The definitions name their tables unqualified: resolve them in the new schema.
    await em.query(`set local search_path to ${name}`);
    for (const key of foreignKeys) {
      await em.query(`alter table ${name}.${key.table} add constraint ${key.name} ${key.definition}`);
    }
  });
}

/**
 * `like … including indexes` names the copies by their columns; give them the live names, so the
 * tables keep the names migrations know once they are swapped in.
 */
async function nameIndexesAsLive(em: EntityManager, schema: string): Promise<void> {
  const indexes = async (namespace: string): Promise<{ name: string; shape: string }[]> => {
    const rows: { name: string; definition: string }[] = await em.query(
      `select i.relname as name, pg_get_indexdef(i.oid) as definition
       from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
       join pg_namespace n on n.oid = t.relnamespace
       where n.nspname = $1 and t.relname = any($2::text[])
         and not exists (select 1 from pg_constraint c where c.conindid = i.oid)`,
      [namespace, [...PROJECTION_TABLES, 'processed_events']],
    );
    // The definition without the index's own name and the table's schema: what it indexes, how.
    return rows.map((row) => ({
      name: row.name,
      shape: row.definition.replace(/^CREATE (UNIQUE )?INDEX \S+ ON (?:\S+\.)?/, 'CREATE $1INDEX ON '),
    }));
  };
  const live = await indexes('public');
  const copies = await indexes(schema);
  for (const index of live) {
    const copy = copies.find((candidate) => candidate.shape === index.shape);
    if (copy && copy.name !== index.name) await em.query(`alter index ${schema}.${copy.name} rename to ${index.name}`);
  }
}

export async function dropSchema(dataSource: DataSource, schema: string): Promise<void> {
  await dataSource.query(`drop schema if exists ${checkedSchema(schema)} cascade`);
}

/** Runs `work` in a transaction whose unqualified table names are the given schema's. */
export async function inSchema<T>(
  dataSource: DataSource,
  schema: string,
  work: (em: EntityManager) => Promise<T>,
): Promise<T> {
  return dataSource.transaction(async (em) => {
    await em.query(`set local search_path to ${checkedSchema(schema)}`);
    return work(em);
  });
}

/** One row that differs between the live projection and the replayed one. */
export interface ProjectionDifference {
  table: 'batches' | 'batch_domains' | 'pages';
  batch_id: string;
  domain?: string;
  kind: 'only_live' | 'only_replayed' | 'differs';
  /** The columns whose values differ (for `differs`). */
  columns?: string[];
}

export interface Comparison {
  batches: { live: number; replayed: number; differing: number };
  domains: { differing: number };
  pages: { differing: number };
  /** The first differences found, at most `limit`. */
  listed: ProjectionDifference[];
}

const BATCH_COLUMNS = [
  'id',
  'tenant',
  'status',
  'total_domains',
  'succeeded_domains',
  'failed_domains',
  'cancelled_domains',
  'pages_scraped',
  'max_pages',
  'max_concurrent_jobs',
  'max_attempts',
  'max_deliveries',
  'metadata',
  'trace_id',
  'idempotency_key',
  'error',
  'created_at',
  'updated_at',
  'start_time',
  'end_time',
  'cancel_requested_at',
  'retry_rounds',
  'retry_requested_at',
];
const DOMAIN_COLUMNS = [
  'batch_id',
  'domain',
  'ordinal',
  'status',
  'attempt',
  'awaiting_retry',
  'deliveries',
  'round_start',
  'pages_scraped',
  'started_at',
  'finished_at',
  'error_class',
  'error_message',
  'error_retryable',
  'extraction',
  'updated_at',
];

function changedColumns(live: Record<string, unknown>, replayed: Record<string, unknown>): string[] {
  return Object.keys(live).filter((column) => JSON.stringify(live[column]) !== JSON.stringify(replayed[column]));
}

/**
 * Every batch's status row and domain rows, and every page, in the live projection against the
 * replayed one. What the status document shows is computed from these rows, so equal rows mean
 * equal documents. (`stuck_since` is the watcher's, not the log's, and is left out.)
 */
export async function compareProjections(dataSource: DataSource, schema: string, limit: number): Promise<Comparison> {
  const name = checkedSchema(schema);
  const listed: ProjectionDifference[] = [];
  const keep = (difference: ProjectionDifference) => {
    if (listed.length < limit) listed.push(difference);
  };
  const pair = (columns: string[], table: string, keys: string[]) => `
    select to_jsonb(l) as live, to_jsonb(r) as replayed
    from (select ${columns.join(', ')} from public.${table}) l
    full join (select ${columns.join(', ')} from ${name}.${table}) r using (${keys.join(', ')})
    where l is distinct from r`;

  const batchRows: { live: Record<string, unknown> | null; replayed: Record<string, unknown> | null }[] =
    await dataSource.query(pair(BATCH_COLUMNS, 'batches', ['id']));
  for (const { live, replayed } of batchRows) {
    const id = String((live ?? replayed)!.id);
    if (!live) keep({ table: 'batches', batch_id: id, kind: 'only_replayed' });
    else if (!replayed) keep({ table: 'batches', batch_id: id, kind: 'only_live' });
    else keep({ table: 'batches', batch_id: id, kind: 'differs', columns: changedColumns(live, replayed) });
  }
  const domainRows: { live: Record<string, unknown> | null; replayed: Record<string, unknown> | null }[] =
    await dataSource.query(pair(DOMAIN_COLUMNS, 'batch_domains', ['batch_id', 'domain']));
  for (const { live, replayed } of domainRows) {
    const row = (live ?? replayed)!;
    const base = { table: 'batch_domains' as const, batch_id: String(row.batch_id), domain: String(row.domain) };
    if (!live) keep({ ...base, kind: 'only_replayed' });
    else if (!replayed) keep({ ...base, kind: 'only_live' });
    else keep({ ...base, kind: 'differs', columns: changedColumns(live, replayed) });
  }
  const pageRows: { batch_id: string; domain: string; differing: number }[] = await dataSource.query(
    `select batch_id, domain, count(*)::int as differing from (
       (select * from public.pages except all select * from ${name}.pages)
       union all
       (select * from ${name}.pages except all select * from public.pages)
     ) d group by batch_id, domain`,
  );
  for (const row of pageRows) {
    keep({ table: 'pages', batch_id: row.batch_id, domain: row.domain, kind: 'differs' });
  }
  const [counts]: { live: number; replayed: number }[] = await dataSource.query(
    `select (select count(*)::int from public.batches) as live, (select count(*)::int from ${name}.batches) as replayed`,
  );
  return {
    batches: { live: counts!.live, replayed: counts!.replayed, differing: batchRows.length },
    domains: { differing: domainRows.length },
    pages: { differing: pageRows.reduce((sum, row) => sum + row.differing, 0) },
    listed,
  };
}

/**
 * Makes the replayed tables the live ones, in one transaction: batches the log no longer holds
 * (past its retention) are carried over as they are, every replayed event is recorded as
 * processed for the aggregator (so it is not applied again on top), and the old tables move to
 * `backup` (kept for inspection; drop it when satisfied).
 */
export async function swapIn(dataSource: DataSource, schema: string, backup: string, consumer: string): Promise<void> {
  const name = checkedSchema(schema);
  const old = checkedSchema(backup);
  await dataSource.transaction(async (em) => {
    await em.query(`lock table public.batches, public.batch_domains, public.pages in access exclusive mode`);
    await em.query(`insert into ${name}.batches select * from public.batches
       where id not in (select id from ${name}.batches)`);
    await em.query(`insert into ${name}.batch_domains select d.* from public.batch_domains d
       where not exists (select 1 from ${name}.batch_domains r where r.batch_id = d.batch_id)
         and exists (select 1 from ${name}.batches b where b.id = d.batch_id)`);
    await em.query(`insert into ${name}.pages select p.* from public.pages p
       where not exists (select 1 from ${name}.pages r where r.batch_id = p.batch_id)
         and exists (select 1 from ${name}.batch_domains d where d.batch_id = p.batch_id and d.domain = p.domain)`);
    await em.query(
      `insert into public.processed_events (consumer, event_id) select $1, event_id from ${name}.processed_events
       on conflict do nothing`,
      [consumer],
    );
    await em.query(`create schema ${old}`);
    for (const table of [...PROJECTION_TABLES].reverse())
      await em.query(`alter table public.${table} set schema ${old}`);
    for (const table of PROJECTION_TABLES) await em.query(`alter table ${name}.${table} set schema public`);
    await em.query(`drop schema ${name} cascade`);
  });
}

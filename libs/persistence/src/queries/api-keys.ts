import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type DataSource } from 'typeorm';

/**
 * API keys, shared by the CLI (which issues them) and the gateway (which checks them). Only the
 * key's SHA-256 is stored; the key itself is shown once, when it is created.
 */
export const API_KEY_PREFIX = 'trawl_';
const DISPLAY_PREFIX_CHARS = 12;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export interface ApiKeyRecord {
  key_id: string;
  tenant: string;
  key_prefix: string;
  created_at: string;
  revoked_at: string | null;
}

export interface NewApiKey {
  key: string;
  key_id: string;
  tenant: string;
  key_prefix: string;
  created_at: string;
}

export class TenantNameError extends Error {
  constructor(tenant: string) {
    super(
      `invalid tenant name ${JSON.stringify(tenant)}: use 1-200 characters from A-Z a-z 0-9 . _ - starting with a letter or digit`,
    );
    this.name = 'TenantNameError';
  }
}

export function isValidTenantName(tenant: string): boolean {
  return TENANT_PATTERN.test(tenant);
}

export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

interface ApiKeyRow {
  id: string;
  tenant: string;
  key_prefix: string;
  created_at: Date;
  revoked_at: Date | null;
}

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    key_id: row.id,
    tenant: row.tenant,
    key_prefix: row.key_prefix,
    created_at: row.created_at.toISOString(),
    revoked_at: row.revoked_at?.toISOString() ?? null,
  };
}

export async function createApiKey(dataSource: DataSource, tenant: string): Promise<NewApiKey> {
  if (!isValidTenantName(tenant)) throw new TenantNameError(tenant);
  const key = generateApiKey();
  const rows: ApiKeyRow[] = await dataSource.query(
    `insert into api_keys (id, tenant, key_hash, key_prefix, created_at)
     values ($1, $2, $3, $4, now())
     returning id, tenant, key_prefix, created_at, revoked_at`,
    [randomUUID(), tenant, hashApiKey(key), key.slice(0, DISPLAY_PREFIX_CHARS)],
  );
  const record = toRecord(rows[0]!);
  return {
    key,
    key_id: record.key_id,
    tenant: record.tenant,
    key_prefix: record.key_prefix,
    created_at: record.created_at,
  };
}

export async function listApiKeys(dataSource: DataSource, options: { tenant?: string } = {}): Promise<ApiKeyRecord[]> {
  const rows: ApiKeyRow[] = await dataSource.query(
    `select id, tenant, key_prefix, created_at, revoked_at from api_keys
     where $1::text is null or tenant = $1
     order by tenant, created_at, id`,
    [options.tenant ?? null],
  );
  return rows.map(toRecord);
}

/** Revokes a key by id: 'revoked' now, 'already-revoked' before, or 'not-found'. */
export async function revokeApiKey(
  dataSource: DataSource,
  keyId: string,
): Promise<'revoked' | 'already-revoked' | 'not-found'> {
  if (!UUID_PATTERN.test(keyId)) return 'not-found';
  const rows: { revoked_now: boolean }[] = await dataSource.query(
    `with target as (select id, revoked_at from api_keys where id = $1 for update),
          updated as (update api_keys set revoked_at = now() where id in (select id from target where revoked_at is null) returning id)
     select exists (select 1 from updated) as revoked_now from target`,
    [keyId],
  );
  if (rows.length === 0) return 'not-found';
  return rows[0]!.revoked_now ? 'revoked' : 'already-revoked';
}

/** The tenant of an active (not revoked) key, by the key's hash; null if there is none. */
export async function findTenantByKeyHash(dataSource: DataSource, keyHash: string): Promise<string | null> {
  const rows: { tenant: string }[] = await dataSource.query(
    `select tenant from api_keys where key_hash = $1 and revoked_at is null`,
    [keyHash],
  );
  return rows[0]?.tenant ?? null;
}

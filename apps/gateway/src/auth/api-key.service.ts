import { Injectable } from '@nestjs/common';
import { API_KEY_PREFIX, findTenantByKeyHash, hashApiKey } from '@trawl/persistence';
import { Database } from '../common/database';

const KNOWN_TTL_MS = 30_000;
// Unknown keys are remembered briefly too, so a client looping on a bad key does not hit Postgres each time.
const UNKNOWN_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

interface CacheEntry {
  tenant: Promise<string | null>;
  expiresAt: number;
}

/**
 * Resolves API keys to tenants. Answers are cached by key hash for ~30 s (so a revoked key may
 * work for up to that long); concurrent lookups of one key share a single query.
 */
@Injectable()
export class ApiKeyService {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly database: Database) {}

  static looksLikeKey(key: string): boolean {
    return key.startsWith(API_KEY_PREFIX) && key.length <= 200;
  }

  async tenantFor(key: string): Promise<string | null> {
    const hash = hashApiKey(key);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > now) return cached.tenant;
    const tenant = this.database.source().then((dataSource) => findTenantByKeyHash(dataSource, hash));
    this.remember(hash, { tenant, expiresAt: now + KNOWN_TTL_MS });
    try {
      const found = await tenant;
      if (found === null) this.remember(hash, { tenant, expiresAt: now + UNKNOWN_TTL_MS });
      return found;
    } catch (error) {
      this.cache.delete(hash);
      throw error;
    }
  }

  private remember(hash: string, entry: CacheEntry): void {
    this.cache.delete(hash);
    if (this.cache.size >= MAX_ENTRIES) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(hash, entry);
  }
}

import { createHash } from 'node:crypto';

/** What a submission asks for, after normalisation: equal requests hash equally. */
export interface NormalisedRequest {
  domains: string[];
  max_pages: number;
  max_concurrent_jobs: number;
  metadata: Record<string, unknown>;
}

/** JSON with object keys sorted at every level, so that key order never changes the hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function requestHash(request: NormalisedRequest): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        domains: request.domains,
        max_pages: request.max_pages,
        max_concurrent_jobs: request.max_concurrent_jobs,
        metadata: request.metadata,
      }),
    )
    .digest('hex');
}

import { type apiClient } from './trawl-services';

type Api = ReturnType<typeof apiClient>;

/** The parts of a batch's status document the end-to-end specs read. */
export interface BatchDocument {
  status: string;
  total_domains: number;
  completed_domains: number;
  failed_domains: number;
  cancelled_domains: number;
  end_time: string | null;
  domain_statuses: Record<string, string>;
}

/** One row of GET /api/v1/batches/:id/domains. */
export interface DomainSummary {
  domain: string;
  status: string;
  attempts: number;
  deliveries: number;
  pages_scraped: number;
  error: { class: string; retryable: boolean } | null;
}

/** The status document; throws (for `eventually` to retry) while the gateway answers otherwise, e.g. 503 during an outage. */
export async function batchDocument(api: Api, batchId: string): Promise<BatchDocument> {
  const { status, body } = await api<BatchDocument>('GET', `/api/v1/batches/${batchId}`);
  if (status !== 200) throw new Error(`status document answered ${status}`);
  return body;
}

/** Every domain row of a batch, following the cursor. */
export async function allDomains(api: Api, batchId: string): Promise<DomainSummary[]> {
  const items: DomainSummary[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const { status, body } = await api<{ items: DomainSummary[]; next_cursor: string | null }>(
      'GET',
      `/api/v1/batches/${batchId}/domains?limit=500${query}`,
    );
    if (status !== 200) throw new Error(`domain list answered ${status}`);
    items.push(...body.items);
    cursor = body.next_cursor;
  } while (cursor);
  return items;
}

import { randomUUID } from 'node:crypto';
import { type AnyMessage, createMessage } from '@trawl/contracts';

/** The log a batch of `domains` leaves when every domain succeeds at its first attempt. */
export function batchLog(domainCount: number): AnyMessage[] {
  const batchId = randomUUID();
  const base = { tenant: 'bench', batchId };
  const t = new Date().toISOString();
  const domains = Array.from({ length: domainCount }, (_, i) => `d${i}.bench.test`);
  const events: AnyMessage[] = [
    createMessage({
      ...base,
      type: 'batch.requested',
      data: {
        domains,
        max_pages: 1,
        max_concurrent_jobs: 100,
        metadata: {},
        requested_at: t,
        trace_id: null,
        idempotency_key: null,
      },
    }),
    createMessage({ ...base, type: 'batch.started', data: { started_at: t, max_attempts: 3, max_deliveries: 3 } }),
  ];
  for (const domain of domains) {
    const attempt = { domain, attempt: 1, dispatch_id: `${batchId}/${domain}/1` };
    events.push(createMessage({ ...base, type: 'domain.queued', data: attempt }));
    events.push(
      createMessage({ ...base, type: 'domain.started', data: { ...attempt, started_at: t, scraper_id: 'bench' } }),
    );
    events.push(
      createMessage({
        ...base,
        type: 'domain.scraped',
        data: {
          ...attempt,
          started_at: t,
          finished_at: t,
          pages: [
            {
              url: `http://${domain}/`,
              final_url: `http://${domain}/`,
              status_code: 200,
              content_type: 'text/html',
              title: `Home of ${domain}`,
              description: 'A site of the bench',
              language: 'en',
              canonical_url: null,
              h1: ['Welcome'],
              h2: [],
              links_found: 12,
              bytes: 20_000,
              depth: 0,
              fetched_at: t,
              duration_ms: 5,
              error: null,
            },
          ],
          extraction: { emails: [`info@${domain}`], phones: [], socials: [], technologies: ['nginx'] },
        },
      }),
    );
  }
  return events;
}

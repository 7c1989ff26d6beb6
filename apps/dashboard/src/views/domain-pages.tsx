import { useEffect, useState } from 'preact/hooks';
import { type Api } from '../api/client';
import { messageOf } from '../api/failure';
import { type DomainDetail } from '../api/types';
import { formatDuration, formatList, formatTime } from '../format';
import { hrefOf } from '../route';
import { Alert } from './alert';

/** One domain of a batch: status, error, what was extracted, and every page fetched. */
export function DomainPages({ api, id, domain }: { api: Api; id: string; domain: string }) {
  const [detail, setDetail] = useState<DomainDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<DomainDetail>(`/api/v1/batches/${encodeURIComponent(id)}/domains/${encodeURIComponent(domain)}`)
      .then(setDetail, (failure: unknown) => setError(messageOf(failure)));
  }, [api, id, domain]);
  return (
    <section class="card" aria-labelledby="domain-title">
      <p>
        <a href={hrefOf({ page: 'batch', id })}>← Batch</a>
      </p>
      <h1 id="domain-title">{domain}</h1>
      <Alert message={error} />
      {!detail && !error && <p role="status">Loading…</p>}
      {detail && (
        <>
          <dl class="facts">
            <dt>Status</dt>
            <dd>
              <span class={`status status-${detail.status}`}>{detail.status}</span>
            </dd>
            <dt>Attempts</dt>
            <dd>{detail.attempts}</dd>
            <dt>Started / ended</dt>
            <dd>
              {formatTime(detail.started_at)} / {formatTime(detail.finished_at)}
            </dd>
            <dt>Error</dt>
            <dd>{detail.error ? `${detail.error.class}: ${detail.error.message}` : '—'}</dd>
            <dt>E-mails</dt>
            <dd>{formatList(detail.extraction?.emails, 20)}</dd>
            <dt>Phones</dt>
            <dd>{formatList(detail.extraction?.phones, 20)}</dd>
            <dt>Technologies</dt>
            <dd>{formatList(detail.extraction?.technologies, 20)}</dd>
            <dt>Social profiles</dt>
            <dd>
              {formatList(
                detail.extraction?.socials?.map((s) => s.url),
                20,
              )}
            </dd>
          </dl>
          <h2>Pages ({detail.pages.length})</h2>
          <div class="table-wrap">
            <table class="pages">
              <thead>
                <tr>
                  <th scope="col">URL</th>
                  <th scope="col">Status</th>
                  <th scope="col">Title</th>
                  <th scope="col">Depth</th>
                  <th scope="col">Links</th>
                  <th scope="col">Bytes</th>
                  <th scope="col">Time</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {detail.pages.map((page) => (
                  <tr key={page.url}>
                    <td class="url">{page.final_url}</td>
                    <td>{page.status_code ?? '—'}</td>
                    <td>{page.title ?? '—'}</td>
                    <td>{page.depth}</td>
                    <td>{page.links_found}</td>
                    <td>{page.bytes}</td>
                    <td>{formatDuration(page.duration_ms)}</td>
                    <td>{page.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

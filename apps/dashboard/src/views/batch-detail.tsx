import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type Api } from '../api/client';
import { messageOf } from '../api/failure';
import { type BatchSummary, isTerminal } from '../api/types';
import { formatDuration, formatTime } from '../format';
import { type BatchEvent } from '../live/progress';
import { useBatchEvents } from '../live/use-batch-events';
import { Alert } from './alert';
import { BatchActions } from './batch-actions';
import { DomainTable, type DomainTableHandle } from './domain-table';
import { ProgressBar } from './progress-bar';

const RETRY_WAIT_MS = 15_000;

/** One batch: counts, timings, live progress, actions, and the per-domain table. */
export function BatchDetail({ api, id }: { api: Api; id: string }) {
  const [batch, setBatch] = useState<BatchSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const table = useRef<DomainTableHandle>(null);

  const load = useCallback(async () => {
    try {
      setBatch(await api.get<BatchSummary>(`/api/v1/batches/${encodeURIComponent(id)}`));
      setError(null);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }, [api, id]);
  useEffect(() => void load(), [load]);

  const live = batch !== null && !isTerminal(batch.status);
  const onEvent = (event: BatchEvent) => {
    if (event.type === 'domain') table.current?.change(event.data);
    if (event.type === 'end') {
      void load();
      table.current?.reload();
    }
  };
  const { progress, trouble } = useBatchEvents(api, id, live, onEvent);

  /** After retry-failed: the status shows the round within moments; until then the batch still reads as ended. */
  const awaitRound = async (round: number) => {
    const deadline = Date.now() + RETRY_WAIT_MS;
    while (Date.now() < deadline) {
      const now = await api.get<BatchSummary>(`/api/v1/batches/${encodeURIComponent(id)}`).catch(() => null);
      if (now && now.retry_rounds >= round) {
        setBatch(now);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await load();
  };

  if (!batch) {
    return (
      <section class="card">
        <h1>Batch {id}</h1>
        {error ? <Alert message={error} /> : <p role="status">Loading…</p>}
      </section>
    );
  }
  const counts = live && progress ? progress : batch;
  const status = live && progress ? progress.status : batch.status;
  return (
    <>
      <section class="card" aria-labelledby="batch-title">
        <p>
          <a href="#/">← Batches</a>
        </p>
        <h1 id="batch-title">
          Batch <code>{batch.batch_id}</code>
        </h1>
        <p>
          Status:{' '}
          <span class={`status status-${status}`} data-testid="batch-status">
            {status}
          </span>
          {batch.stuck_since && <span class="warn"> · no progress since {formatTime(batch.stuck_since)}</span>}
        </p>
        <div aria-live="polite">
          <ProgressBar counts={counts} label="Batch progress" />
        </div>
        <Alert message={trouble} kind="notice" />
        <Alert message={error} />
        <dl class="facts">
          <dt>Domains</dt>
          <dd>{counts.total_domains}</dd>
          <dt>Succeeded</dt>
          <dd>{counts.completed_domains}</dd>
          <dt>Failed</dt>
          <dd>{counts.failed_domains}</dd>
          <dt>Cancelled</dt>
          <dd>{counts.cancelled_domains}</dd>
          <dt>Pages scraped</dt>
          <dd>{batch.pages_scraped}</dd>
          <dt>Max pages / concurrent jobs</dt>
          <dd>
            {batch.max_pages} / {batch.max_concurrent_jobs}
          </dd>
          <dt>Created</dt>
          <dd>{formatTime(batch.created_at)}</dd>
          <dt>Started</dt>
          <dd>{formatTime(batch.start_time)}</dd>
          <dt>Ended</dt>
          <dd>{formatTime(batch.end_time)}</dd>
          <dt>Processing time</dt>
          <dd>{batch.processing_time === null ? '—' : formatDuration(batch.processing_time * 1000)}</dd>
          <dt>Retry rounds</dt>
          <dd>{batch.retry_rounds}</dd>
          {batch.error && (
            <>
              <dt>Error</dt>
              <dd>{batch.error}</dd>
            </>
          )}
        </dl>
        <BatchActions
          api={api}
          batch={{ ...batch, status }}
          onChanged={(round) =>
            void (round === undefined ? load() : awaitRound(round)).then(() => table.current?.reload())
          }
        />
      </section>
      <DomainTable api={api} batchId={batch.batch_id} control={table} />
    </>
  );
}

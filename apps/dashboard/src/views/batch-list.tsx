import { useCallback, useEffect, useState } from 'preact/hooks';
import { type Api } from '../api/client';
import { messageOf } from '../api/failure';
import { queryString } from '../api/query';
import {
  type BatchAccepted,
  type BatchList as BatchListDocument,
  BATCH_STATUSES,
  type BatchStatus,
  type BatchSummary,
  isTerminal,
} from '../api/types';
import { formatTime, shortId } from '../format';
import { useBatchEvents } from '../live/use-batch-events';
import { hrefOf } from '../route';
import { Alert } from './alert';
import { ProgressBar } from './progress-bar';
import { StatusSelect } from './status-select';

/** At most this many rows follow their batch live: a browser opens only ~6 connections to one host. */
const MAX_LIVE = 4;
const PAGE_SIZE = 20;

type ListedBatch = Pick<
  BatchSummary,
  'batch_id' | 'status' | 'total_domains' | 'completed_domains' | 'failed_domains' | 'cancelled_domains' | 'created_at'
>;

/** A just-accepted batch, shown before the projection lists it. */
const fromAccepted = (accepted: BatchAccepted): ListedBatch => ({
  batch_id: accepted.batch_id,
  status: 'pending',
  total_domains: accepted.job_count,
  completed_domains: 0,
  failed_domains: 0,
  cancelled_domains: 0,
  created_at: accepted.created_at,
});

function BatchRow({ api, batch, live }: { api: Api; batch: ListedBatch; live: boolean }) {
  const { progress, trouble } = useBatchEvents(api, batch.batch_id, live);
  const counts = progress ?? batch;
  const status = progress?.status ?? batch.status;
  return (
    <tr data-batch={batch.batch_id} data-status={status}>
      <td>
        <a href={hrefOf({ page: 'batch', id: batch.batch_id })} title={batch.batch_id}>
          {shortId(batch.batch_id)}
        </a>
      </td>
      <td>
        <span class={`status status-${status}`}>{status}</span>
      </td>
      <td class="wide">
        <ProgressBar counts={counts} label={`Progress of batch ${shortId(batch.batch_id)}`} />
        {trouble && <span class="small warn">{trouble}</span>}
      </td>
      <td>{formatTime(batch.created_at)}</td>
    </tr>
  );
}

/** The tenant's batches, newest first, filtered by status, a page at a time; unfinished ones update live. */
export function BatchList({ api, submitted }: { api: Api; submitted: BatchAccepted[] }) {
  const [status, setStatus] = useState<BatchStatus | ''>('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [document, setDocument] = useState<BatchListDocument | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1] ?? null;

  const load = useCallback(async () => {
    try {
      setDocument(
        await api.get<BatchListDocument>(`/api/v1/batches${queryString({ status, limit: PAGE_SIZE, cursor })}`),
      );
      setError(null);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }, [api, status, cursor]);

  useEffect(() => void load(), [load, submitted]);

  const listed: ListedBatch[] = document?.items ?? [];
  const known = new Set(listed.map((batch) => batch.batch_id));
  const firstPage = cursors.length === 1;
  const extra =
    firstPage && (status === '' || status === 'pending')
      ? submitted.filter((a) => !known.has(a.batch_id)).map(fromAccepted)
      : [];
  const rows = [...extra, ...listed];
  const liveIds = new Set(
    rows
      .filter((batch) => !isTerminal(batch.status))
      .slice(0, MAX_LIVE)
      .map((b) => b.batch_id),
  );

  return (
    <section class="card" aria-labelledby="batches-title">
      <div class="heading-row">
        <h2 id="batches-title">Batches</h2>
        <div class="inline">
          <StatusSelect
            id="batch-status-filter"
            statuses={BATCH_STATUSES}
            value={status}
            onChange={(value) => {
              setStatus(value);
              setCursors([null]);
            }}
          />
          <button type="button" onClick={() => void load()}>
            Refresh
          </button>
        </div>
      </div>
      <Alert message={error} />
      {rows.length === 0 && document && <p>No batches{status ? ` with status ${status}` : ''} yet.</p>}
      {rows.length > 0 && (
        <table class="batches">
          <caption class="visually-hidden">Batches, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Batch</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody aria-live="polite" aria-relevant="text">
            {rows.map((batch) => (
              <BatchRow key={batch.batch_id} api={api} batch={batch} live={liveIds.has(batch.batch_id)} />
            ))}
          </tbody>
        </table>
      )}
      <div class="pager">
        <button type="button" disabled={firstPage} onClick={() => setCursors([null])}>
          Newest
        </button>
        <button type="button" disabled={firstPage} onClick={() => setCursors((list) => list.slice(0, -1))}>
          Previous
        </button>
        <button
          type="button"
          disabled={!document?.next_cursor}
          onClick={() => document?.next_cursor && setCursors((list) => [...list, document.next_cursor])}
        >
          Next
        </button>
      </div>
    </section>
  );
}

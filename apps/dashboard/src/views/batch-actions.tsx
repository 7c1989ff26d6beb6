import { useState } from 'preact/hooks';
import { type Api } from '../api/client';
import { messageOf } from '../api/failure';
import { type BatchSummary, isTerminal } from '../api/types';
import { download } from '../download';
import { hrefOf } from '../route';
import { Alert } from './alert';

interface Props {
  api: Api;
  batch: BatchSummary;
  /** After a cancel or retry-failed was accepted: `round` for a retry. */
  onChanged: (round?: number) => void;
}

/** Cancel, retry-failed, the exports and the trace of one batch; each action's outcome beside the buttons. */
export function BatchActions({ api, batch, onChanged }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const act = async (what: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setNotice(await what());
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  const base = `/api/v1/batches/${batch.batch_id}`;
  const cancel = () =>
    act(async () => {
      await api.json('POST', `${base}/cancel`, { reason: 'cancelled from the dashboard' });
      onChanged();
      return 'Cancel requested: no new domain starts; running ones finish.';
    });
  const retry = () =>
    act(async () => {
      const accepted = await api.json<{ round: number; domains: number }>('POST', `${base}/retry-failed`);
      onChanged(accepted.round);
      return `Retry round ${accepted.round} started for ${accepted.domains} failed domains.`;
    });
  const exportAs = (format: 'csv' | 'jsonl') =>
    act(async () => {
      const name = await download(api, `${base}/export?format=${format}`, `trawl-batch-${batch.batch_id}.${format}`);
      return `Downloaded ${name}.`;
    });
  const running = !isTerminal(batch.status);
  return (
    <div class="actions" role="group" aria-label="Batch actions">
      <button type="button" disabled={busy || !running} onClick={() => void cancel()}>
        Cancel batch
      </button>
      <button type="button" disabled={busy || running || batch.failed_domains === 0} onClick={() => void retry()}>
        Retry failed
      </button>
      <button type="button" disabled={busy} onClick={() => void exportAs('csv')}>
        Export CSV
      </button>
      <button type="button" disabled={busy} onClick={() => void exportAs('jsonl')}>
        Export JSON Lines
      </button>
      <a class="button" href={hrefOf({ page: 'trace', id: batch.batch_id })}>
        Trace
      </a>
      <Alert message={error} />
      <Alert message={notice} kind="notice" />
    </div>
  );
}

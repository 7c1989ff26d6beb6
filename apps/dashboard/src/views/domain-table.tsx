import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type Api } from '../api/client';
import { messageOf } from '../api/failure';
import { queryString } from '../api/query';
import { DOMAIN_STATUSES, type DomainList } from '../api/types';
import { formatList } from '../format';
import { type DomainChange } from '../live/progress';
import {
  applyChanges,
  INITIAL_VIEW,
  pageOf,
  type Row,
  selectRows,
  type SortKey,
  sortBy,
  type TableView,
} from '../state/domain-table';
import { hrefOf } from '../route';
import { Alert } from './alert';
import { StatusSelect } from './status-select';

/** What the batch page drives: live status changes, and a full reload when the batch ends. */
export interface DomainTableHandle {
  change: (change: DomainChange) => void;
  reload: () => void;
}

/** How often gathered live changes are applied to the table. */
const FLUSH_MS = 250;

/** Rows read per request (the API's largest page). */
const FETCH_PAGE = 500;

const COLUMNS: { key: SortKey | null; label: string }[] = [
  { key: 'order', label: '#' },
  { key: 'domain', label: 'Domain' },
  { key: 'status', label: 'Status' },
  { key: 'attempts', label: 'Attempts' },
  { key: 'pages', label: 'Pages' },
  { key: 'error', label: 'Error class' },
  { key: null, label: 'E-mails' },
  { key: null, label: 'Phones' },
  { key: null, label: 'Technologies' },
];

/** Reads every row of the batch, a page of 500 at a time (10,000 domains: 20 requests), reporting how far it got. */
async function loadAll(
  api: Api,
  batchId: string,
  onProgress: (loaded: number) => void,
  signal: AbortSignal,
): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  do {
    const page: DomainList = await api.get<DomainList>(
      `/api/v1/batches/${encodeURIComponent(batchId)}/domains${queryString({ limit: FETCH_PAGE, cursor })}`,
      signal,
    );
    for (const item of page.items) rows.push({ ...item, ordinal: rows.length });
    onProgress(rows.length);
    cursor = page.next_cursor;
  } while (cursor !== null && !signal.aborted);
  return rows;
}

function SortHeader({
  column,
  view,
  onSort,
}: {
  column: (typeof COLUMNS)[number];
  view: TableView;
  onSort: (key: SortKey) => void;
}) {
  const { key } = column;
  if (key === null) return <th scope="col">{column.label}</th>;
  const active = view.sort === key;
  const sort = active ? (view.descending ? 'descending' : 'ascending') : 'none';
  return (
    <th scope="col" aria-sort={sort}>
      <button type="button" class="sort" onClick={() => onSort(key)}>
        {column.label}
        <span aria-hidden="true">{active ? (view.descending ? ' ▼' : ' ▲') : ''}</span>
      </button>
    </th>
  );
}

/** The batch's domains with filter (status, text), sort and paging, all in the browser over rows loaded once. */
export function DomainTable({
  api,
  batchId,
  control,
}: {
  api: Api;
  batchId: string;
  control: { current: DomainTableHandle | null };
}) {
  const [rows, setRows] = useState<Row[]>([]);
  const [loaded, setLoaded] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [view, setView] = useState<TableView>(INITIAL_VIEW);
  const [generation, setGeneration] = useState(0);
  const index = useMemo(() => new Map(rows.map((row, at) => [row.domain, at])), [rows]);
  const indexRef = useRef(index);
  indexRef.current = index;

  const loadingRef = useRef(true);
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    loadingRef.current = true;
    loadAll(api, batchId, setLoaded, controller.signal)
      .then((all) => {
        setRows(all);
        setError(null);
      })
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) setError(messageOf(failure));
      })
      .finally(() => {
        loadingRef.current = false;
        setLoading(false);
      });
    return () => controller.abort();
  }, [api, batchId, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  // Changes are gathered and applied together at most every FLUSH_MS (one copy of the rows per flush).
  const pending = useRef<DomainChange[]>([]);
  const flushTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(flushTimer.current), []);
  control.current = {
    change: (change) => {
      // A domain not loaded yet: the table was read before the projection had the batch's rows.
      if (!indexRef.current.has(change.domain) && !loadingRef.current) {
        loadingRef.current = true;
        reload();
        return;
      }
      pending.current.push(change);
      flushTimer.current ??= setTimeout(() => {
        flushTimer.current = undefined;
        const changes = pending.current;
        pending.current = [];
        setRows((current) => applyChanges(current, indexRef.current, changes));
      }, FLUSH_MS);
    },
    reload,
  };

  const selected = useMemo(() => selectRows(rows, view), [rows, view]);
  const slice = pageOf(selected, view);
  const update = (patch: Partial<TableView>) => setView((current) => ({ ...current, page: 0, ...patch }));

  return (
    <section class="card" aria-labelledby="domains-title">
      <div class="heading-row">
        <h2 id="domains-title">Domains</h2>
        <div class="inline">
          <StatusSelect
            id="domain-status-filter"
            statuses={DOMAIN_STATUSES}
            value={view.status}
            onChange={(status) => update({ status })}
          />
          <label for="domain-text-filter">Filter</label>
          <input
            id="domain-text-filter"
            type="search"
            placeholder="domain, error, e-mail, technology"
            value={view.text}
            onInput={(event) => update({ text: event.currentTarget.value })}
          />
          <button type="button" onClick={reload}>
            Reload
          </button>
        </div>
      </div>
      <Alert message={error} />
      <p role="status" aria-live="polite" class="small">
        {loading ? `Loading domains… ${loaded}` : `${slice.total} of ${rows.length} domains`}
      </p>
      <div class="table-wrap">
        <table class="domains">
          <caption class="visually-hidden">Domains of the batch; column headers sort</caption>
          <thead>
            <tr>
              {COLUMNS.map((column) => (
                <SortHeader
                  key={column.label}
                  column={column}
                  view={view}
                  onSort={(key) => setView((v) => sortBy(v, key))}
                />
              ))}
            </tr>
          </thead>
          <tbody>
            {slice.rows.map((row) => (
              <tr key={row.domain} data-domain={row.domain}>
                <td>{row.ordinal + 1}</td>
                <td>
                  <a href={hrefOf({ page: 'domain', id: batchId, domain: row.domain })}>{row.domain}</a>
                </td>
                <td>
                  <span class={`status status-${row.status}`}>{row.status}</span>
                </td>
                <td>{row.attempts}</td>
                <td>{row.pages_scraped}</td>
                <td title={row.error?.message}>{row.error?.class ?? '—'}</td>
                <td>{formatList(row.extraction?.emails)}</td>
                <td>{formatList(row.extraction?.phones)}</td>
                <td>{formatList(row.extraction?.technologies)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="pager">
        <button
          type="button"
          disabled={slice.page === 0}
          onClick={() => setView((v) => ({ ...v, page: slice.page - 1 }))}
        >
          Previous page
        </button>
        <span>
          Page {slice.page + 1} of {slice.pages}
        </span>
        <button
          type="button"
          disabled={slice.page >= slice.pages - 1}
          onClick={() => setView((v) => ({ ...v, page: slice.page + 1 }))}
        >
          Next page
        </button>
        <label for="page-size">Rows per page</label>
        <select
          id="page-size"
          value={String(view.pageSize)}
          onChange={(event) => update({ pageSize: Number(event.currentTarget.value) })}
        >
          {[25, 50, 100, 250].map((size) => (
            <option key={size} value={String(size)}>
              {size}
            </option>
          ))}
        </select>
      </div>
    </section>
  );
}

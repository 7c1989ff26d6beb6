import { type DomainStatus, type DomainSummary } from '../api/types';
import { type DomainChange } from '../live/progress';

export const SORT_KEYS = ['order', 'domain', 'status', 'attempts', 'pages', 'error'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** What the per-domain table shows: filters, sort and page. The rows are all in memory, once loaded. */
export interface TableView {
  status: DomainStatus | '';
  text: string;
  sort: SortKey;
  descending: boolean;
  page: number;
  pageSize: number;
}

export const INITIAL_VIEW: TableView = {
  status: '',
  text: '',
  sort: 'order',
  descending: false,
  page: 0,
  pageSize: 50,
};

/** A row with its submission position, so "order" sorts as submitted. */
export interface Row extends DomainSummary {
  ordinal: number;
}

const STATUS_RANK: Record<DomainStatus, number> = {
  failed: 0,
  running: 1,
  queued: 2,
  pending: 3,
  cancelled: 4,
  succeeded: 5,
};

function compare(key: SortKey, a: Row, b: Row): number {
  switch (key) {
    case 'order':
      return a.ordinal - b.ordinal;
    case 'domain':
      return a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0;
    case 'status':
      return STATUS_RANK[a.status] - STATUS_RANK[b.status];
    case 'attempts':
      return a.attempts - b.attempts;
    case 'pages':
      return a.pages_scraped - b.pages_scraped;
    case 'error': {
      const x = a.error?.class ?? '';
      const y = b.error?.class ?? '';
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

function matchesText(row: Row, needle: string): boolean {
  if (needle === '') return true;
  const haystack = [
    row.domain,
    row.error?.class ?? '',
    row.error?.message ?? '',
    ...(row.extraction?.emails ?? []),
    ...(row.extraction?.phones ?? []),
    ...(row.extraction?.technologies ?? []),
  ];
  return haystack.some((value) => value.toLowerCase().includes(needle));
}

/** The rows the view selects, sorted (ties in submission order). */
export function selectRows(rows: readonly Row[], view: TableView): Row[] {
  const needle = view.text.trim().toLowerCase();
  const selected = rows.filter((row) => (view.status === '' || row.status === view.status) && matchesText(row, needle));
  const direction = view.descending ? -1 : 1;
  return selected.sort((a, b) => compare(view.sort, a, b) * direction || a.ordinal - b.ordinal);
}

export interface PageSlice {
  rows: Row[];
  page: number;
  pages: number;
  total: number;
}

/** One page of the selected rows; a page past the end shows the last one. */
export function pageOf(selected: readonly Row[], view: TableView): PageSlice {
  const pages = Math.max(1, Math.ceil(selected.length / view.pageSize));
  const page = Math.min(Math.max(0, view.page), pages - 1);
  return {
    rows: selected.slice(page * view.pageSize, (page + 1) * view.pageSize),
    page,
    pages,
    total: selected.length,
  };
}

/** Sorting by a column: the same column again flips the direction; another starts ascending. Back to page 1. */
export function sortBy(view: TableView, key: SortKey): TableView {
  return { ...view, sort: key, descending: view.sort === key ? !view.descending : false, page: 0 };
}

/** The row after a live status change, or the same row when nothing changed. */
function changed(row: Row, change: DomainChange): Row {
  const errorClass = row.error?.class ?? null;
  if (row.status === change.status && row.attempts === change.attempts && errorClass === change.error_class) return row;
  const error =
    change.error_class === null
      ? null
      : {
          class: change.error_class,
          message: errorClass === change.error_class ? (row.error?.message ?? '') : '',
          retryable: row.error?.retryable ?? false,
        };
  return { ...row, status: change.status, attempts: change.attempts, error };
}

/**
 * Live status changes from the event stream applied to the loaded rows, in one pass: a stream starts
 * with every domain (10,000 events for a large batch), so they are applied in bulk, not one copy each.
 * The same array when nothing changed.
 */
export function applyChanges(rows: Row[], index: ReadonlyMap<string, number>, changes: readonly DomainChange[]): Row[] {
  let next: Row[] | undefined;
  for (const change of changes) {
    const at = index.get(change.domain);
    if (at === undefined) continue;
    const current = (next ?? rows)[at]!;
    const row = changed(current, change);
    if (row === current) continue;
    next ??= rows.slice();
    next[at] = row;
  }
  return next ?? rows;
}

import { type BatchStatus } from '@trawl/contracts';
import { exitCodeForBatchStatus } from '../exit-codes';
import { type BatchSummary } from '../gateway/gateway-schemas';
import { type WatchState } from './watch-state';
import { textTable } from '../text-table';

// Pure rendering of a watch: the progress line (a bar on a terminal, a sentence elsewhere) and the
// summary at the end. No I/O here.

/** 12.3 s, 4 min 05 s, 2 h 03 min. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')} min`;
}

/** 0:07, 12:30, 1:02:03: the clock of a running watch. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const mmss = `${h > 0 ? String(m).padStart(2, '0') : m}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

function ended(state: WatchState): number {
  const counts = state.counts;
  return counts ? counts.completed_domains + counts.failed_domains + counts.cancelled_domains : 0;
}

/**
 * The terminal's status line: `[██████░░░░]  60%  6/10 · 5 ok · 1 failed · 0 cancelled · running · 0:12`.
 * With the terminal's width, the bar takes what the rest leaves (10 to 30 cells) and the line never
 * reaches the last column (a wrapped line could not be redrawn in place).
 */
export function renderProgressBar(state: WatchState, elapsedMs: number, columns?: number): string {
  const counts = state.counts;
  let line: string;
  if (!counts) {
    line = `waiting for batch ${state.batchId} … ${formatClock(elapsedMs)}`;
  } else {
    const fraction = Math.min(1, Math.max(0, counts.progress));
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const rest =
      ` ${percent}  ${ended(state)}/${counts.total_domains} · ${counts.completed_domains} ok · ` +
      `${counts.failed_domains} failed · ${counts.cancelled_domains} cancelled · ${counts.status} · ${formatClock(elapsedMs)}`;
    const width = columns === undefined ? 24 : Math.min(30, Math.max(10, columns - 1 - rest.length - 2));
    const filled = Math.round(fraction * width);
    line = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]${rest}`;
  }
  return columns === undefined ? line : [...line].slice(0, Math.max(1, columns - 1)).join('');
}

/** A line for a log (stderr not a terminal): `batch …: running, 6 of 10 domains ended (5 succeeded, 1 failed, 0 cancelled)`. */
export function renderPlainLine(state: WatchState): string {
  const counts = state.counts;
  if (!counts) return `batch ${state.batchId}: waiting for its first progress`;
  return (
    `batch ${state.batchId}: ${counts.status}, ${ended(state)} of ${counts.total_domains} domains ended ` +
    `(${counts.completed_domains} succeeded, ${counts.failed_domains} failed, ${counts.cancelled_domains} cancelled)`
  );
}

/**
 * When to print a plain progress line: the first one, then a changed one at most every `intervalMs`
 * (a log gets a line now and then, not one per event).
 */
export class PlainProgressThrottle {
  private last: { line: string; at: number } | undefined;

  constructor(private readonly intervalMs = 10_000) {}

  shouldPrint(line: string, now: number): boolean {
    if (this.last && (line === this.last.line || now - this.last.at < this.intervalMs)) return false;
    this.last = { line, at: now };
    return true;
  }

  /** Whether `line` is news (differs from the last printed): the final line is printed if so, whatever the time. */
  isNews(line: string): boolean {
    return this.last?.line !== line;
  }
}

export interface FailedDomain {
  domain: string;
  error_class: string | null;
}

/** The end of a watch, as printed (and as --json gives it). */
export interface WatchSummary {
  batch_id: string;
  status: BatchStatus;
  total_domains: number;
  completed_domains: number;
  failed_domains: number;
  cancelled_domains: number;
  /** Seconds from the batch's start to its end (the gateway's processing_time), else how long the watch ran. */
  duration_seconds: number;
  failed: FailedDomain[];
  exit_code: number;
}

/** The summary from the folded stream, with the counts and duration of the final status document if there is one. */
export function buildSummary(
  state: WatchState,
  status: BatchSummary | undefined,
  watchedMs: number,
): WatchSummary | undefined {
  const final = status ?? state.counts;
  const batchStatus = state.ended ?? final?.status;
  if (!final || !batchStatus) return undefined;
  const failed = [...state.domains]
    .filter(([, domain]) => domain.status === 'failed')
    .map(([domain, { errorClass }]) => ({ domain, error_class: errorClass }));
  return {
    batch_id: state.batchId,
    status: batchStatus,
    total_domains: final.total_domains,
    completed_domains: final.completed_domains,
    failed_domains: final.failed_domains,
    cancelled_domains: final.cancelled_domains,
    duration_seconds: Math.round((status?.processing_time ?? watchedMs / 1000) * 1000) / 1000,
    failed,
    exit_code: exitCodeForBatchStatus(batchStatus),
  };
}

/** The summary as text: the outcome, the counts, and the failed domains with their error class. */
export function renderSummary(summary: WatchSummary, maxFailedListed = 50): string[] {
  const lines = [
    `batch ${summary.batch_id} ${summary.status} in ${formatDuration(summary.duration_seconds)}`,
    '',
    ...textTable([
      ['DOMAINS', 'COUNT'],
      ['total', String(summary.total_domains)],
      ['succeeded', String(summary.completed_domains)],
      ['failed', String(summary.failed_domains)],
      ['cancelled', String(summary.cancelled_domains)],
    ]),
  ];
  if (summary.failed.length > 0) {
    const listed = summary.failed.slice(0, maxFailedListed);
    lines.push(
      '',
      ...textTable([
        ['FAILED DOMAIN', 'ERROR CLASS'],
        ...listed.map((failed) => [failed.domain, failed.error_class ?? '-']),
      ]),
    );
    const more = summary.failed.length - listed.length;
    if (more > 0) lines.push(`… and ${more} more (trawl export ${summary.batch_id} lists them all)`);
  }
  return lines;
}

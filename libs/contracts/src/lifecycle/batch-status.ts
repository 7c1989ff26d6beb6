export const BATCH_STATUSES = ['pending', 'running', 'complete', 'partial', 'failed', 'cancelled'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export const DOMAIN_STATUSES = ['pending', 'queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];

export const TERMINAL_DOMAIN_STATUSES: readonly DomainStatus[] = ['succeeded', 'failed', 'cancelled'];
export const TERMINAL_BATCH_STATUSES: readonly BatchStatus[] = ['complete', 'partial', 'failed', 'cancelled'];

export function isTerminalDomainStatus(status: DomainStatus): boolean {
  return TERMINAL_DOMAIN_STATUSES.includes(status);
}

export function isTerminalBatchStatus(status: BatchStatus): boolean {
  return TERMINAL_BATCH_STATUSES.includes(status);
}

export interface DomainCounts {
  total: number;
  succeeded: number;
  failed: number;
  cancelled: number;
}

/**
 * A batch's status from its domain counts: complete when all succeeded, failed when all failed,
 * cancelled when a cancel was requested, partial otherwise; running until every domain ended.
 */
export function batchStatusFor(counts: DomainCounts, started: boolean, cancelRequested: boolean): BatchStatus {
  const ended = counts.succeeded + counts.failed + counts.cancelled;
  if (ended < counts.total) return started || ended > 0 ? 'running' : 'pending';
  if (cancelRequested) return 'cancelled';
  if (counts.succeeded === counts.total) return 'complete';
  if (counts.failed === counts.total) return 'failed';
  return 'partial';
}

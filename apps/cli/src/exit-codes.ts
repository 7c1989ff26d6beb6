import { type BatchStatus } from '@trawl/contracts';

/** The trawl command's exit codes; scripts rely on them (README.md, "The trawl CLI"). */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_PARTIAL = 3;
export const EXIT_FAILED = 4;
export const EXIT_CANCELLED = 5;

/**
 * The exit code for how a watched batch ended: 0 complete, 3 partial, 4 failed, 5 cancelled.
 * A batch that has not ended is no answer to wait for: 1.
 */
export function exitCodeForBatchStatus(status: BatchStatus): number {
  switch (status) {
    case 'complete':
      return EXIT_OK;
    case 'partial':
      return EXIT_PARTIAL;
    case 'failed':
      return EXIT_FAILED;
    case 'cancelled':
      return EXIT_CANCELLED;
    case 'pending':
    case 'running':
      return EXIT_ERROR;
  }
}

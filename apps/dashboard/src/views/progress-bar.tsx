import { formatPercent } from '../format';
import { fraction, type Progress } from '../live/progress';

type Counts = Pick<Progress, 'total_domains' | 'completed_domains' | 'failed_domains' | 'cancelled_domains'>;

/** A labelled progress bar: succeeded, failed and cancelled shares of the total. */
export function ProgressBar({ counts, label }: { counts: Counts; label: string }) {
  const done = fraction(counts);
  const share = (n: number) => (counts.total_domains === 0 ? 0 : (n / counts.total_domains) * 100);
  const ended = counts.completed_domains + counts.failed_domains + counts.cancelled_domains;
  return (
    <div class="progress">
      <div
        class="bar"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={counts.total_domains}
        aria-valuenow={ended}
        aria-valuetext={`${ended} of ${counts.total_domains} domains ended (${formatPercent(done)})`}
      >
        <span class="ok" style={{ width: `${share(counts.completed_domains)}%` }} />
        <span class="failed" style={{ width: `${share(counts.failed_domains)}%` }} />
        <span class="cancelled" style={{ width: `${share(counts.cancelled_domains)}%` }} />
      </div>
      <span class="progress-text">
        {ended}/{counts.total_domains} · {formatPercent(done)}
      </span>
    </div>
  );
}

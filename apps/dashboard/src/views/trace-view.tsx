import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { type Api } from '../api/client';
import { ApiFailure, messageOf } from '../api/failure';
import { type TraceDocument } from '../api/types';
import { formatDuration, formatTime } from '../format';
import { hrefOf } from '../route';
import { waterfall } from '../trace/waterfall';
import { Alert } from './alert';

/** The batch's trace as a waterfall: one line per span, indented by depth, its bar on the time axis. */
export function TraceView({ api, id }: { api: Api; id: string }) {
  const [trace, setTrace] = useState<TraceDocument | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    setError(null);
    api.get<TraceDocument>(`/api/v1/batches/${encodeURIComponent(id)}/trace`).then(setTrace, (failure: unknown) => {
      const early = failure instanceof ApiFailure && failure.status === 404;
      setError(
        early
          ? `${messageOf(failure)} (spans reach Jaeger seconds after the work; try again shortly)`
          : messageOf(failure),
      );
    });
  }, [api, id]);
  useEffect(load, [load]);
  const rows = useMemo(() => (trace ? waterfall(trace.spans, trace.duration_ms) : []), [trace]);
  return (
    <section class="card" aria-labelledby="trace-title">
      <p>
        <a href={hrefOf({ page: 'batch', id })}>← Batch</a>
      </p>
      <h1 id="trace-title">Trace of batch {id.slice(0, 8)}</h1>
      <Alert message={error} />
      {error && (
        <button type="button" onClick={load}>
          Try again
        </button>
      )}
      {trace && (
        <>
          <p>
            <code>{trace.trace_id}</code> · {trace.span_count} spans · {formatDuration(trace.duration_ms)} · started{' '}
            {formatTime(trace.start_time)} · {trace.error_count} errors · services {trace.services.join(', ')}
            {trace.truncated && ` · showing the first ${trace.spans.length}`}
          </p>
          {trace.jaeger_ui_url && (
            <p>
              <a href={trace.jaeger_ui_url} target="_blank" rel="noopener noreferrer">
                Open in Jaeger
              </a>
            </p>
          )}
          <ol class="waterfall" aria-label="Spans, in tree order">
            {rows.map(({ span, depth, left, width }) => (
              <li key={span.span_id} class={span.error ? 'span error' : 'span'} data-span={span.name}>
                <span
                  class="span-name"
                  style={{ paddingLeft: `${depth * 1}rem` }}
                  title={span.error_message ?? span.name}
                >
                  {span.error && <span aria-label="error">✗ </span>}
                  {span.name} <span class="small">{span.service}</span>
                </span>
                <span class="span-track" aria-hidden="true">
                  <span class="span-bar" style={{ left: `${left * 100}%`, width: `max(2px, ${width * 100}%)` }} />
                </span>
                <span class="span-time">{formatDuration(span.duration_ms)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, type CliOutput } from '../cli-output';
import {
  GatewayHttpError,
  GatewayStreamError,
  GatewayUnreachableError,
  networkReason,
  type GatewayClient,
} from '../gateway/gateway-client';
import { type BatchSummary, batchSummarySchema } from '../gateway/gateway-schemas';
import { serverSentEvents } from '../gateway/server-sent-events';
import {
  buildSummary,
  PlainProgressThrottle,
  renderPlainLine,
  renderProgressBar,
  renderSummary,
} from '../watch/progress-render';
import { applyEvent, newWatchState, type WatchState } from '../watch/watch-state';

export interface WatchTimings {
  /** A stream that sends nothing this long is taken for dead (the gateway sends a heartbeat every 15 s). */
  idleMs: number;
  /** Reconnections in a row without an event before giving up. */
  maxReconnects: number;
  /** Wait before reconnecting, unless the server's `retry:` says otherwise. */
  retryMs: number;
  /** Redraws of the terminal's progress line (its clock ticks) and the least time between two. */
  redrawMs: number;
  /** A plain progress line (stderr not a terminal) at most this often. */
  plainEveryMs: number;
}

export const WATCH_TIMINGS: WatchTimings = {
  idleMs: 45_000,
  maxReconnects: 30,
  retryMs: 2_000,
  redrawMs: 250,
  plainEveryMs: 10_000,
};

/** Draws the progress: a redrawn line on a terminal, a plain line now and then elsewhere. */
class ProgressView {
  private lastDraw = 0;
  private readonly ticker: NodeJS.Timeout | undefined;
  private readonly throttle: PlainProgressThrottle;

  constructor(
    private readonly state: WatchState,
    private readonly output: CliOutput,
    private readonly startedAt: number,
    private readonly timings: WatchTimings,
  ) {
    this.throttle = new PlainProgressThrottle(timings.plainEveryMs);
    if (output.progress) {
      this.ticker = setInterval(() => this.draw(true), 1000);
      this.ticker.unref();
    }
  }

  draw(force = false): void {
    const now = Date.now();
    if (this.output.progress) {
      if (!force && now - this.lastDraw < this.timings.redrawMs) return;
      this.lastDraw = now;
      this.output.progress(renderProgressBar(this.state, now - this.startedAt, this.output.columns?.()));
    } else if (this.state.counts) {
      const line = renderPlainLine(this.state);
      if (this.throttle.shouldPrint(line, now)) this.output.err(line);
    }
  }

  /** A line that must not be overwritten (a reconnect): above the progress line on a terminal. */
  note(line: string): void {
    this.output.progress?.('');
    this.output.err(line);
    this.draw(true);
  }

  close(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.output.progress?.('');
  }
}

/**
 * One connection to the batch's event stream, from where the state is (Last-Event-ID); folds every
 * event into the state; resolves at `end` or when the stream closes; throws the one-line errors.
 */
async function followStream(
  client: GatewayClient,
  state: WatchState,
  view: ProgressView,
  timings: WatchTimings,
  hooks: { onConnected: () => void; onEvent: () => void; onRetry: (ms: number) => void },
): Promise<void> {
  const controller = new AbortController();
  let idle: NodeJS.Timeout | undefined;
  const alive = () => {
    clearTimeout(idle);
    idle = setTimeout(() => controller.abort(new Error(`no data for ${timings.idleMs / 1000} s`)), timings.idleMs);
  };
  try {
    alive();
    const response = await client.send('GET', `/api/v1/batches/${state.batchId}/events`, {
      headers: {
        accept: 'text/event-stream',
        ...(state.lastEventId !== undefined ? { 'last-event-id': state.lastEventId } : {}),
      },
      signal: controller.signal,
    });
    hooks.onConnected();
    if (!response.body) return;
    try {
      for await (const event of serverSentEvents(response.body, { onChunk: alive, onRetry: hooks.onRetry })) {
        const kind = applyEvent(state, event);
        hooks.onEvent();
        if (kind !== 'other') view.draw(kind === 'end');
        if (kind === 'end') break;
      }
    } catch (error) {
      if (error instanceof CliError) throw error;
      const reason = controller.signal.aborted
        ? String((controller.signal.reason as Error).message)
        : networkReason(error);
      throw new GatewayStreamError(client.connection.baseUrl, reason);
    }
  } finally {
    clearTimeout(idle);
    controller.abort();
  }
}

/** The final status document for the summary's counts and duration; without it, the stream's own. */
async function finalStatus(client: GatewayClient, batchId: string): Promise<BatchSummary | undefined> {
  try {
    return (await client.json('GET', `/api/v1/batches/${batchId}`, batchSummarySchema)).body;
  } catch {
    return undefined;
  }
}

/**
 * Follows a batch's progress until it ends (reconnecting with Last-Event-ID when the stream
 * breaks), then prints the summary (one JSON object with --json). The exit code is the batch's
 * outcome: 0 complete, 3 partial, 4 failed, 5 cancelled.
 */
export async function watchCommand(
  client: GatewayClient,
  command: { batchId: string; json: boolean },
  output: CliOutput,
  timings: WatchTimings = WATCH_TIMINGS,
): Promise<number> {
  const startedAt = Date.now();
  const state = newWatchState(command.batchId);
  const view = new ProgressView(state, output, startedAt, timings);
  let connected = false;
  let failures = 0;
  let retryMs = timings.retryMs;
  try {
    view.draw(true);
    while (state.ended === undefined) {
      try {
        await followStream(client, state, view, timings, {
          onConnected: () => (connected = true),
          onEvent: () => (failures = 0),
          onRetry: (ms) => (retryMs = Math.min(Math.max(ms, 100), 30_000)),
        });
        if (state.ended === undefined) {
          throw new GatewayUnreachableError(
            client.connection.baseUrl,
            'the event stream closed before the batch ended',
          );
        }
      } catch (error) {
        // Never reached, or a refusal (4xx): nothing a reconnect would change.
        const broken =
          error instanceof GatewayUnreachableError ||
          error instanceof GatewayStreamError ||
          (error instanceof GatewayHttpError && error.status >= 500);
        if (!connected || !broken) throw error;
        failures += 1;
        if (failures > timings.maxReconnects) {
          throw new CliError(`gave up after ${timings.maxReconnects} reconnections: ${error.message}`);
        }
        const from = state.lastEventId === undefined ? 'from the start' : `after event ${state.lastEventId}`;
        view.note(`trawl: ${error.message}; reconnecting ${from}`);
        await sleep(retryMs);
      }
    }
  } finally {
    view.close();
  }
  const summary = buildSummary(state, await finalStatus(client, state.batchId), Date.now() - startedAt);
  if (!summary) throw new CliError(`the event stream of batch ${state.batchId} ended without its counts`);
  if (command.json) output.out(JSON.stringify(summary));
  else for (const line of renderSummary(summary)) output.out(line);
  return summary.exit_code;
}

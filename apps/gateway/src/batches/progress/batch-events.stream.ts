import { once } from 'node:events';
import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { type BatchStatus, isTerminalBatchStatus } from '@trawl/contracts';
import { LOG, type Log } from '@trawl/telemetry';
import { Database } from '../../common/database';
import { BatchReadsService } from '../batch-reads.service';
import { progressOf } from '../batch-views';
import { BatchProgressNotifier } from './batch-progress.notifier';

const HEARTBEAT_MS = 15_000;
/** Domain rows read per query while catching up (a client resuming far behind gets them in pages). */
const CATCH_UP_ROWS = 2_000;

interface BatchSnapshot {
  status: BatchStatus;
  total_domains: number;
  succeeded_domains: number;
  failed_domains: number;
  cancelled_domains: number;
  change_seq: string;
}

interface DomainChangeRow {
  domain: string;
  ordinal: number;
  status: string;
  attempt: number;
  error_class: string | null;
  change_seq: string;
}

/**
 * A batch's progress as Server-Sent Events: `domain` events (each domain's status as it changes;
 * every domain once at the start), `progress` events (the counts), and `end` when the batch has
 * ended, after which the stream closes. Event ids are the batch's change sequence: a client that
 * reconnects with Last-Event-ID gets exactly what changed after it. The stream reads the database
 * only when the aggregator notifies a change of its batch (and on a slow sweep).
 */
type Snapshot = { batch: BatchSnapshot; domains: DomainChangeRow[]; more: boolean } | undefined;

@Injectable()
export class BatchEventsStream implements BeforeApplicationShutdown {
  /** How to end each open stream: on shutdown they are closed so the server can stop (clients reconnect elsewhere). */
  private readonly openStreams = new Set<() => void>();

  /**
   * Reads in flight or just done, by batch, wake-up and position: the streams of one batch that
   * a change wakes are mostly at the same position, and share one read instead of one each.
   */
  private readonly shared = new Map<string, Promise<Snapshot>>();

  constructor(
    private readonly database: Database,
    private readonly reads: BatchReadsService,
    private readonly notifier: BatchProgressNotifier,
    @Inject(LOG) private readonly log: Log,
  ) {}

  beforeApplicationShutdown(): void {
    for (const close of [...this.openStreams]) close();
  }

  async stream(tenant: string, batchId: string, after: bigint, request: Request, response: Response): Promise<void> {
    await this.reads.batchState(tenant, batchId); // 404 before the stream starts
    response.status(200);
    response.setHeader('content-type', 'text/event-stream; charset=utf-8');
    response.setHeader('cache-control', 'no-cache, no-transform');
    response.setHeader('x-accel-buffering', 'no');
    response.flushHeaders();
    response.write('retry: 2000\n\n');

    // Where the stream is: the last change sent, and the domain's ordinal within it (many rows share
    // sequence 0, never changed; the ordinal pages through them).
    let since = after;
    let ordinal = after < 0n ? -1 : 2 ** 31 - 1;
    let progressSent = false;
    let running: Promise<void> | undefined;
    let again = false;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      this.openStreams.delete(close);
      unsubscribe();
      clearInterval(heartbeat);
      response.end();
    };
    const send = async (event: string, id: bigint | null, data: unknown) => {
      const text = `event: ${event}\n${id === null ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`;
      if (!response.write(text)) await Promise.race([once(response, 'drain'), once(response, 'close')]);
    };
    const catchUp = async (): Promise<void> => {
      const snapshot = await this.sharedSnapshot(batchId, since, ordinal);
      if (!snapshot || closed) return; // accepted, not projected yet: the first notification brings it
      for (const row of snapshot.domains) {
        // Never-changed rows (sequence 0) carry no id: a client cut off in the first snapshot starts over.
        await send('domain', row.change_seq === '0' ? null : BigInt(row.change_seq), {
          domain: row.domain,
          status: row.status,
          attempts: row.attempt,
          error_class: row.error_class,
        });
        since = BigInt(row.change_seq);
        ordinal = row.ordinal;
      }
      if (snapshot.more) {
        again = true;
        return;
      }
      const { batch } = snapshot;
      const seq = BigInt(batch.change_seq);
      if (seq > since || !progressSent) {
        // The first counts go out even when they are not newer than what the client has (it resumed
        // past them): then without an id, so that ids never go back.
        await send('progress', seq > since ? seq : null, {
          status: batch.status,
          total_domains: batch.total_domains,
          completed_domains: batch.succeeded_domains,
          failed_domains: batch.failed_domains,
          cancelled_domains: batch.cancelled_domains,
          progress: progressOf(batch),
        });
        progressSent = true;
        if (seq > since) {
          since = seq;
          ordinal = 2 ** 31 - 1;
        }
      }
      if (isTerminalBatchStatus(batch.status)) {
        await send('end', null, { status: batch.status });
        close();
      }
    };
    const update = () => {
      if (closed) return;
      if (running) {
        again = true;
        return;
      }
      running = (async () => {
        do {
          again = false;
          await catchUp();
        } while (again && !closed);
      })()
        .catch((error: unknown) => {
          this.log.warn({ err: error, batch_id: batchId }, 'progress stream could not read; closing it');
          close();
        })
        .finally(() => (running = undefined));
    };
    const unsubscribe = this.notifier.subscribe(batchId, update);
    this.openStreams.add(close);
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    request.once('close', close);
    update();
  }

  private sharedSnapshot(batchId: string, since: bigint, afterOrdinal: number): Promise<Snapshot> {
    const key = `${batchId}/${this.notifier.generation(batchId)}/${since}/${afterOrdinal}`;
    let read = this.shared.get(key);
    if (!read) {
      read = this.snapshot(batchId, since, afterOrdinal);
      this.shared.set(key, read);
      // Kept a moment for the streams woken with it; a later wake-up has another key anyway.
      const forget = () => setTimeout(() => this.shared.delete(key), 1_000).unref();
      read.then(forget, forget);
    }
    return read;
  }

  /** The batch and the domain rows changed after `since`, read in one snapshot (so ids never go back). */
  private async snapshot(batchId: string, since: bigint, afterOrdinal: number): Promise<Snapshot> {
    const source = await this.database.source();
    return source.transaction('REPEATABLE READ', async (em) => {
      const [batch] = await em.query<BatchSnapshot[]>(
        `select status, total_domains, succeeded_domains, failed_domains, cancelled_domains, change_seq::text
         from batches where id = $1`,
        [batchId],
      );
      if (!batch) return undefined;
      // Ordered by the column, d.change_seq: a bare `change_seq` would name the output column, the
      // text, and sort 10 and 11 before 9.
      const domains = await em.query<DomainChangeRow[]>(
        `select d.domain, d.ordinal, d.status, d.attempt, d.error_class, d.change_seq::text as change_seq
         from batch_domains d
         where d.batch_id = $1 and (d.change_seq, d.ordinal) > ($2::bigint, $3::int)
         order by d.change_seq, d.ordinal limit $4`,
        [batchId, since.toString(), afterOrdinal, CATCH_UP_ROWS],
      );
      return { batch, domains, more: domains.length === CATCH_UP_ROWS };
    });
  }
}

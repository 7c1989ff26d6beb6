import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { BATCH_PROGRESS_CHANNEL } from '@trawl/projection';
import { LOG, type Log } from '@trawl/telemetry';

type Listener = () => void;

/** How often every stream re-reads anyway: covers a notification lost while the listening connection was down. */
const SWEEP_EVERY_MS = 10_000;
const RECONNECT_MS = 2_000;

/**
 * One LISTEN connection for the whole gateway: the aggregator NOTIFYs the id of each batch it
 * changed, and this wakes the progress streams of that batch. A thousand open streams cost one
 * connection and a map entry each; they read the database only when their batch changed.
 */
@Injectable()
export class BatchProgressNotifier implements OnModuleDestroy {
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Per batch, how many wake-ups so far: streams woken by the same one can share what they read. */
  private readonly generations = new Map<string, number>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private sweep: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    @Inject(TRAWL_CONFIG) private readonly config: TrawlConfig,
    @Inject(LOG) private readonly log: Log,
  ) {}

  /** Calls `listener` whenever the batch may have changed; returns the unsubscribe. */
  subscribe(batchId: string, listener: Listener): () => void {
    let set = this.listeners.get(batchId);
    if (!set) this.listeners.set(batchId, (set = new Set()));
    set.add(listener);
    this.ensureListening();
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        this.listeners.delete(batchId);
        this.generations.delete(batchId);
      }
    };
  }

  generation(batchId: string): number {
    return this.generations.get(batchId) ?? 0;
  }

  get streams(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweep);
    await this.client?.end().catch(() => undefined);
  }

  private wake(batchId?: string): void {
    const batches = batchId === undefined ? [...this.listeners.keys()] : [batchId];
    for (const id of batches) {
      const set = this.listeners.get(id);
      if (!set) continue;
      this.generations.set(id, this.generation(id) + 1);
      for (const listener of [...set]) listener();
    }
  }

  private ensureListening(): void {
    if (this.client || this.connecting || this.closed) return;
    this.sweep ??= setInterval(() => this.wake(), SWEEP_EVERY_MS);
    this.sweep.unref();
    this.connecting = this.connect().finally(() => (this.connecting = undefined));
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.config.DATABASE_URL,
      application_name: 'trawl-gateway-listen',
    });
    client.on('notification', (message) => {
      if (message.payload) this.wake(message.payload);
    });
    client.on('error', (error) => {
      this.log.warn({ err: error }, 'progress notifications lost their connection; reconnecting');
      this.dropClient(client);
    });
    client.on('end', () => this.dropClient(client));
    try {
      await client.connect();
      await client.query(`listen ${BATCH_PROGRESS_CHANNEL}`);
      this.client = client;
      this.wake(); // whatever changed while not listening
    } catch (error) {
      this.log.warn({ err: error }, 'cannot listen for progress notifications; retrying');
      await client.end().catch(() => undefined);
      this.retryLater();
    }
  }

  private dropClient(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    this.retryLater();
  }

  private retryLater(): void {
    if (this.closed || this.listeners.size === 0) return;
    setTimeout(() => this.ensureListening(), RECONNECT_MS).unref();
  }
}

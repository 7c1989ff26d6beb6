interface Pending<T> {
  items: T[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Sends one group at a time. Items enqueued while a send is in flight go out together in the
 * next send (in arrival order, within size limits); every caller's promise settles with the send
 * that carried its items. The idempotent producer allows one request in flight, so without this
 * concurrent callers would queue behind each other one round trip at a time.
 */
export class SendQueue<T> {
  private readonly queue: Pending<T>[] = [];
  private sending = false;

  constructor(
    private readonly send: (items: T[]) => Promise<void>,
    private readonly sizeOf: (item: T) => number,
    private readonly limits: { maxItems: number; maxBytes: number } = { maxItems: 500, maxBytes: 1024 * 1024 },
  ) {}

  enqueue(items: T[]): Promise<void> {
    const bytes = items.reduce((total, item) => total + this.sizeOf(item), 0);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ items, bytes, resolve, reject });
      void this.drain();
    });
  }

  private nextGroup(): Pending<T>[] {
    const group: Pending<T>[] = [];
    let count = 0;
    let bytes = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      const fits = count + next.items.length <= this.limits.maxItems && bytes + next.bytes <= this.limits.maxBytes;
      if (group.length > 0 && !fits) break;
      group.push(this.queue.shift()!);
      count += next.items.length;
      bytes += next.bytes;
    }
    return group;
  }

  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const group = this.nextGroup();
        try {
          await this.send(group.flatMap((pending) => pending.items));
          for (const pending of group) pending.resolve();
        } catch (error) {
          for (const pending of group) pending.reject(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }
}

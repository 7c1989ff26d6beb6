/** Breadth-first crawl frontier: FIFO of (url, depth), each URL queued at most once, bounded size. */
export interface FrontierEntry {
  url: string;
  depth: number;
}

export class Frontier {
  private readonly queue: FrontierEntry[] = [];
  private head = 0;
  private readonly seen = new Set<string>();

  constructor(private readonly maxQueued: number) {}

  /** Queues a URL unless it was seen before or the queue is full. Returns whether it was queued. */
  add(url: string, depth: number): boolean {
    if (this.seen.has(url) || this.pending >= this.maxQueued) return false;
    this.seen.add(url);
    this.queue.push({ url, depth });
    return true;
  }

  /** Records a URL as visited (e.g. the final URL of a redirect) so it is never queued. */
  markSeen(url: string): void {
    this.seen.add(url);
  }

  has(url: string): boolean {
    return this.seen.has(url);
  }

  next(): FrontierEntry | undefined {
    if (this.head >= this.queue.length) return undefined;
    const entry = this.queue[this.head]!;
    this.head += 1;
    return entry;
  }

  get pending(): number {
    return this.queue.length - this.head;
  }
}

/**
 * Items waiting in lanes named by a path (tenant, then batch): `shift` takes round-robin across
 * the first level, then across the second within it, and in arrival order within a lane. One
 * tenant's many waiting crawls, or one big batch's, do not keep another's first one waiting.
 */
export class FairQueue<T> {
  private readonly root = new Lane<T>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(path: readonly string[], item: T): void {
    let lane = this.root;
    for (const name of path) lane = lane.child(name);
    lane.items.push(item);
    this.count += 1;
  }

  shift(): T | undefined {
    const item = this.root.take();
    if (item !== undefined) this.count -= 1;
    return item;
  }
}

class Lane<T> {
  readonly items: T[] = [];
  /** Whether this lane had a turn since it started waiting. */
  served = false;
  /**
   * Sub-lanes, the least recently served first: the one served moves to the end, and a lane that
   * starts waiting goes before every lane served already, after those waiting for their first turn.
   */
  private children = new Map<string, Lane<T>>();

  child(name: string): Lane<T> {
    let lane = this.children.get(name);
    if (!lane) {
      lane = new Lane<T>();
      const entries = [...this.children];
      const firstServed = entries.findIndex(([, other]) => other.served);
      if (firstServed === -1) this.children.set(name, lane);
      else this.children = new Map([...entries.slice(0, firstServed), [name, lane], ...entries.slice(firstServed)]);
    }
    return lane;
  }

  /** The lane's own items first (those queued without a deeper path), then its sub-lanes in turn. */
  take(): T | undefined {
    if (this.items.length > 0) return this.items.shift();
    for (const [name, lane] of this.children) {
      const item = lane.take();
      lane.served = true;
      this.children.delete(name);
      if (!lane.isEmpty()) this.children.set(name, lane);
      if (item !== undefined) return item;
    }
    return undefined;
  }

  private isEmpty(): boolean {
    return this.items.length === 0 && this.children.size === 0;
  }
}

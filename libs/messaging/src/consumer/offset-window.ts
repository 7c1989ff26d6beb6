/**
 * The records of one partition a pipelined consumer has taken in and not yet committed: which are
 * done, and so how far the group's offset may move. Work finishes out of order; the offset only
 * moves over a contiguous done prefix, so a crash redelivers every record whose work was not done.
 */
export class OffsetWindow {
  /** Offsets taken, ascending; the head is the oldest not yet committed. */
  private readonly taken: bigint[] = [];
  private readonly done = new Set<bigint>();
  /** The next offset to read: everything below was taken in (or committed before). */
  private nextOffset: bigint | undefined;
  private committedUpTo: bigint | undefined;

  /** False for a record taken in before: a fetch that read it again (after a rebalance kept the partition here). */
  isNew(offset: string): boolean {
    return this.nextOffset === undefined || BigInt(offset) >= this.nextOffset;
  }

  take(offset: string): void {
    const value = BigInt(offset);
    if (!this.isNew(offset)) throw new Error(`offset ${offset} was taken already`);
    this.taken.push(value);
    this.nextOffset = value + 1n;
    // The group's offset is at most this far already: nothing to commit until the prefix passes it.
    this.committedUpTo ??= value;
  }

  finish(offset: string): void {
    this.done.add(BigInt(offset));
  }

  get inFlight(): number {
    return this.taken.length - this.done.size;
  }

  /**
   * The offset to commit (the next one to read after the done prefix), or undefined when it is not
   * past the last one committed. Call `committed` once the broker took it.
   */
  commitPoint(): string | undefined {
    while (this.taken.length > 0 && this.done.has(this.taken[0]!)) this.done.delete(this.taken.shift()!);
    if (this.nextOffset === undefined) return undefined;
    const point = this.taken[0] ?? this.nextOffset;
    return this.committedUpTo !== undefined && point <= this.committedUpTo ? undefined : point.toString();
  }

  committed(offset: string): void {
    const value = BigInt(offset);
    if (this.committedUpTo === undefined || value > this.committedUpTo) this.committedUpTo = value;
  }
}

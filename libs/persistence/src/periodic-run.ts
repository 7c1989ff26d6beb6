/**
 * Runs a piece of background work every so often, never two at once; stop() waits for the one in
 * flight. The timer does not keep the process alive. For a service's database chores (retention,
 * stuck-batch checks): `work` reports its own failures.
 */
export class PeriodicRun {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly everyMs: number,
    private readonly work: () => Promise<void>,
  ) {}

  start(options: { now?: boolean } = {}): void {
    this.timer = setInterval(() => this.runOnce(), this.everyMs);
    this.timer.unref();
    if (options.now) setImmediate(() => this.runOnce());
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private runOnce(): void {
    this.running ??= this.work().finally(() => (this.running = undefined));
  }
}

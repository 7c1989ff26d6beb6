import { ClassifiedError } from '../errors/crawl-error';

/**
 * An AbortSignal that fires after `ms` or when any parent signal fires, whichever comes first.
 * Unlike AbortSignal.timeout/any it is disposed explicitly (no timers or listeners left behind),
 * and it remembers whether its own timer fired, so callers can tell a deadline from an abort
 * without looking at error messages.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly detach: Array<() => void> = [];
  private timedOut = false;

  constructor(
    readonly ms: number,
    parents: ReadonlyArray<AbortSignal | undefined> = [],
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new ClassifiedError('timeout', `deadline of ${ms} ms exceeded`));
    }, ms);
    this.timer.unref();
    for (const parent of parents) {
      if (!parent) continue;
      if (parent.aborted) {
        this.controller.abort(parent.reason);
        break;
      }
      const onAbort = (): void => this.controller.abort(parent.reason);
      parent.addEventListener('abort', onAbort, { once: true });
      this.detach.push(() => parent.removeEventListener('abort', onAbort));
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True only if this deadline's own timer fired (not a parent's abort). */
  get expired(): boolean {
    return this.timedOut;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const detach of this.detach.splice(0)) detach();
  }
}

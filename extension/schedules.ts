// Timers of the extension: polling while someone looks (the view is visible or an incident is current) and
// retrying the offline queue with its backoff. No VS Code import; the clock functions are injectable for tests.

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Runs `tick` now and then every interval while active; never two ticks at once. */
export class Poller {
  private active = false;
  private handle: unknown;
  private running: Promise<void> | undefined;
  private disposed = false;

  constructor(
    private readonly tick: () => Promise<void>,
    private readonly intervalMs: () => number,
    private readonly timers: Timers = realTimers,
  ) {}

  get isActive(): boolean {
    return this.active;
  }

  setActive(active: boolean): void {
    if (active === this.active || this.disposed) return;
    this.active = active;
    if (active) void this.runNow();
    else this.clear();
  }

  /** Ticks now (e.g. after a refresh command) and restarts the interval. */
  async runNow(): Promise<void> {
    if (this.running) return this.running;
    this.clear();
    this.running = this.tick()
      .catch(() => undefined)
      .finally(() => {
        this.running = undefined;
        this.schedule();
      });
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    this.active = false;
    this.clear();
  }

  private schedule(): void {
    this.clear();
    if (!this.active || this.disposed) return;
    this.handle = this.timers.setTimeout(() => void this.runNow(), Math.max(1000, this.intervalMs()));
  }

  private clear(): void {
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }
}

const IDLE_RETRY_MS = 30_000;

/** Flushes the offline queue when its next retry is due; rescheduled whenever the queue changes. */
export class RetryTimer {
  private handle: unknown;
  private disposed = false;

  constructor(
    private readonly nextDelay: () => number | undefined,
    private readonly flush: () => Promise<void>,
    private readonly timers: Timers = realTimers,
  ) {}

  reschedule(afterFlush = false): void {
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
    const delay = this.nextDelay();
    if (delay === undefined || this.disposed) return;
    // Still due right after a flush: nothing could be sent (signed out, no session); do not spin.
    const wait = afterFlush && delay === 0 ? IDLE_RETRY_MS : Math.max(250, delay);
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      void this.flush()
        .catch(() => undefined)
        .finally(() => this.reschedule(true));
    }, wait);
  }

  dispose(): void {
    this.disposed = true;
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
  }
}

/** The clock and timer a Pacer uses (tests pass a hand-driven one). */
export interface PacerTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: PacerTimers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** How a Pacer holds back requests that come while a costly run goes on (see Pacer). */
export interface PacerOptions {
  costShare?: number;
  maxIntervalMs?: number;
}

/**
 * Runs a task at most once per `intervalMs` however often it is asked for, never losing a request:
 * the first request after a quiet spell runs at once; requests within the interval (or while it
 * runs) are folded into one run at the end of the interval, which sees everything they asked for.
 * Used for work whose result depends only on the latest state — rebuilding the public snapshot and
 * pushing it live, re-reading the next deadline — so a burst of staff writes costs a few runs per
 * second instead of one per write (test/bench/PROFILES.md, "write path").
 *
 * With `costShare`, the interval also stretches within a burst so that runs take at most that share
 * of the time: requests that came while a run of 150 ms went on, with a share of 0.25, are served
 * 600 ms after it started (at most `maxIntervalMs`). A request that finds nothing running or waiting
 * is not held back by the last run's cost: a change after a quiet spell goes out at once.
 * A live push to thousands of sockets is such a run; under a stream of writes, pushing every 250 ms
 * would leave the process too little time for the writes themselves.
 */
export class Pacer {
  private lastStart = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | null = null;
  private timer: unknown = null;
  private pending = false;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    /** Must not reject: it reports its own failures. */
    private readonly task: () => Promise<void>,
    private readonly timers: PacerTimers = realTimers,
    private readonly options: PacerOptions = {},
  ) {}

  /** Asks for a run. Resolves when the run ends if it starts now, else at once (it is scheduled). */
  request(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running || this.timer !== null) {
      this.pending = true;
      return Promise.resolve();
    }
    const wait = this.lastStart + this.intervalMs - this.timers.now();
    if (wait > 0) {
      this.pending = true;
      this.schedule(wait);
      return Promise.resolve();
    }
    return this.run();
  }

  /** Runs what is waiting now instead of at the end of the interval (tests; shutdown). */
  async flush(): Promise<void> {
    await this.running;
    if (!this.pending || this.stopped) return;
    this.cancelTimer();
    await this.run();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer();
  }

  private run(): Promise<void> {
    this.pending = false;
    this.lastStart = this.timers.now();
    const running = this.task().finally(() => {
      if (this.running === running) this.running = null;
      // Requests that came while it ran are served one interval after it started (stretched by its
      // cost: they are a burst); a request that finds the pacer idle waits the base interval at most.
      if (this.pending && !this.stopped) this.schedule(Math.max(0, this.lastStart + this.nextGap(this.timers.now() - this.lastStart) - this.timers.now()));
    });
    this.running = running;
    return running;
  }

  private nextGap(took: number): number {
    const { costShare, maxIntervalMs = Number.POSITIVE_INFINITY } = this.options;
    if (!costShare) return this.intervalMs;
    return Math.max(this.intervalMs, Math.min(took / costShare, maxIntervalMs));
  }

  private schedule(delay: number): void {
    if (this.timer !== null) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      if (!this.stopped && this.pending) void this.run();
    }, delay);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}

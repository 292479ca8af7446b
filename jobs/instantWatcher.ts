import type { Clock } from '../server/clock.js';
import type { Logger } from '../server/logger.js';

const MAX_DELAY = 60 * 60_000;

/**
 * Time-driven work at exact instants: `fire(now)` does whatever came due (claims in the database
 * make it exactly once across restarts and instances), then an in-process timer is armed for
 * `next(now)`, so work fires within a second of its instant. The cron tick in jobs/registry.ts is
 * the safety net; a restart fires what it missed, once, late.
 */
export class InstantWatcher<T> {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Tests drive tick() by hand with a fixed clock; a real timer would race them. */
  timersEnabled = true;

  constructor(
    private readonly name: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly fire: (now: Date) => Promise<T[]>,
    private readonly next: (now: Date) => Promise<Date | null>,
    private readonly afterFire: (fired: T[]) => void = () => {},
  ) {}

  async tick(): Promise<T[]> {
    const fired = await this.fire(this.clock.now());
    if (fired.length) this.afterFire(fired);
    await this.arm();
    return fired;
  }

  async arm(): Promise<void> {
    if (this.stopped || !this.timersEnabled) return;
    const next = await this.next(this.clock.now());
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!next) return;
    const delay = Math.min(Math.max(next.getTime() - this.clock.now().getTime(), 0), MAX_DELAY);
    this.timer = setTimeout(() => void this.tick().catch((err) => this.logger.error({ err }, `${this.name} tick failed`)), delay);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

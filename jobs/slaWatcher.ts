import type { Clock } from '../server/clock.js';
import type { Db } from '../server/db/client.js';
import { fireDueSlaWarnings, nextSlaWarningAt, type FiredWarning } from '../server/domain/incidents/slaWarnings.js';
import type { Logger } from '../server/logger.js';

const MAX_DELAY = 60 * 60_000;

/**
 * SLA warnings at their instants: an in-process timer armed for the next due instant (fires within
 * a second), re-armed on every incident change; the cron tick in jobs/registry.ts is the safety net.
 * All state is in rows, so a restart fires what it missed, once.
 */
export class SlaWatcher {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly afterFire: (fired: FiredWarning[]) => void = () => {},
  ) {}

  async tick(): Promise<FiredWarning[]> {
    const fired = await fireDueSlaWarnings({ db: this.db, now: this.clock.now(), actor: null });
    for (const w of fired) this.logger.info({ incident: w.incidentId, goal: w.goal, level: w.level, late_ms: w.lateMs }, 'SLA warning fired');
    if (fired.length) this.afterFire(fired);
    await this.arm();
    return fired;
  }

  async arm(): Promise<void> {
    if (this.stopped) return;
    const next = await nextSlaWarningAt(this.db, this.clock.now());
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!next) return;
    const delay = Math.min(Math.max(next.getTime() - this.clock.now().getTime(), 0), MAX_DELAY);
    this.timer = setTimeout(() => void this.tick().catch((err) => this.logger.error({ err }, 'SLA tick failed')), delay);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

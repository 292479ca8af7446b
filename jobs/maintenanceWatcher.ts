import type { Clock } from '../server/clock.js';
import type { Db } from '../server/db/client.js';
import { fireDueMaintenanceNotices, nextMaintenanceNoticeAt, type FiredNotice } from '../server/domain/maintenance/fireDueMaintenanceNotices.js';
import type { Logger } from '../server/logger.js';

const MAX_DELAY = 60 * 60_000;

/**
 * Maintenance lifecycle notices at their instants (24 h reminder, 30-minute notice, start,
 * completion, overrun): an in-process timer armed for the next instant, re-armed after every
 * tick; call arm() after a maintenance changes. All state is in rows, so a restart fires what it
 * missed, once.
 */
export class MaintenanceWatcher {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly afterFire: (fired: FiredNotice[]) => void = () => {},
  ) {}

  async tick(): Promise<FiredNotice[]> {
    const fired = await fireDueMaintenanceNotices({ db: this.db, now: this.clock.now(), actor: null });
    for (const n of fired) this.logger.info({ maintenance: n.maintenanceId, notice: n.kind, late_ms: n.lateMs, announced: n.announced }, 'maintenance notice fired');
    if (fired.length) this.afterFire(fired);
    await this.arm();
    return fired;
  }

  async arm(): Promise<void> {
    if (this.stopped) return;
    const next = await nextMaintenanceNoticeAt(this.db, this.clock.now());
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!next) return;
    const delay = Math.min(Math.max(next.getTime() - this.clock.now().getTime(), 0), MAX_DELAY);
    this.timer = setTimeout(() => void this.tick().catch((err) => this.logger.error({ err }, 'maintenance tick failed')), delay);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

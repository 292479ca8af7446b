import type { Clock } from '../server/clock.js';
import type { Db } from '../server/db/client.js';
import { fireDueMaintenanceNotices, nextMaintenanceNoticeAt, type FiredNotice } from '../server/domain/maintenance/fireDueMaintenanceNotices.js';
import type { Logger } from '../server/logger.js';
import { InstantWatcher } from './instantWatcher.js';

/** Maintenance notices: 24 h reminder, 30-minute notice, start, completion, overrun — each once. */
export class MaintenanceWatcher extends InstantWatcher<FiredNotice> {
  constructor(db: Db, clock: Clock, logger: Logger, afterFire: (fired: FiredNotice[]) => void = () => {}) {
    super(
      'maintenance',
      clock,
      logger,
      async (now) => {
        const fired = await fireDueMaintenanceNotices({ db, now, actor: null });
        for (const n of fired) logger.info({ maintenance: n.maintenanceId, notice: n.kind, late_ms: n.lateMs, announced: n.announced }, 'maintenance notice fired');
        return fired;
      },
      (now) => nextMaintenanceNoticeAt(db, now),
      afterFire,
    );
  }
}

import type { Clock } from '../server/clock.js';
import type { Db } from '../server/db/client.js';
import { fireDueSlaWarnings, nextSlaWarningAt, type FiredWarning } from '../server/domain/incidents/slaWarnings.js';
import type { Logger } from '../server/logger.js';
import { InstantWatcher } from './instantWatcher.js';

/** SLA warnings at 50 %, 80 % and breach of each pending goal, each once. */
export class SlaWatcher extends InstantWatcher<FiredWarning> {
  constructor(db: Db, clock: Clock, logger: Logger, afterFire: (fired: FiredWarning[]) => void = () => {}) {
    super(
      'SLA',
      clock,
      logger,
      async (now) => {
        const fired = await fireDueSlaWarnings({ db, now, actor: null });
        for (const w of fired) logger.info({ incident: w.incidentId, goal: w.goal, level: w.level, late_ms: w.lateMs }, 'SLA warning fired');
        return fired;
      },
      (now) => nextSlaWarningAt(db, now),
      afterFire,
    );
  }
}

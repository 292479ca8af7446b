import type { Clock } from '../server/clock.js';
import type { Db } from '../server/db/client.js';
import { fireDueCadenceWarnings, nextCadenceWarningAt, type FiredCadenceWarning } from '../server/domain/incidents/cadenceWarnings.js';
import type { Logger } from '../server/logger.js';
import { InstantWatcher } from './instantWatcher.js';

/** "Next update by" warnings: at 80 % of the promised interval and when it lapsed, each once. */
export class CadenceWatcher extends InstantWatcher<FiredCadenceWarning> {
  constructor(db: Db, clock: Clock, logger: Logger, afterFire: (fired: FiredCadenceWarning[]) => void = () => {}) {
    super(
      'cadence',
      clock,
      logger,
      async (now) => {
        const fired = await fireDueCadenceWarnings({ db, now, actor: null });
        for (const w of fired) logger.info({ incident: w.incidentId, update: w.updateId, level: w.level, late_ms: w.lateMs }, 'next-update warning fired');
        return fired;
      },
      (now) => nextCadenceWarningAt(db, now),
      afterFire,
    );
  }
}

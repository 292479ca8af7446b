import type { AppDeps } from '../server/deps.js';
import { pruneRetention } from '../server/domain/retention/pruneRetention.js';
import type { Job } from './registry.js';

/** Nightly: prunes old outbox events and deliveries (RETENTION_DAYS; dead letters 90 days). */
export function retentionJob(deps: AppDeps): Job {
  return {
    name: 'retention',
    schedule: '17 3 * * *',
    run: async () => {
      const removed = await pruneRetention(deps.database.db, deps.clock.now(), deps.config.RETENTION_DAYS);
      deps.logger.info({ job: 'retention', removed }, 'retention pruned');
      return removed;
    },
  };
}

import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../server/logger.js';

export interface Job {
  name: string;
  /** cron expression, evaluated in UTC */
  schedule: string;
  run(): Promise<unknown>;
}

/** The one registry of scheduled work. Each job is a few lines that call domain or notify code. */
export function startJobs(jobs: Job[], logger: Logger): { stop(): void } {
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(
      job.schedule,
      async () => {
        try {
          await job.run();
        } catch (err) {
          logger.error({ err, job: job.name }, 'job failed');
        }
      },
      { name: job.name, timezone: 'UTC', noOverlap: true },
    ),
  );
  return { stop: () => tasks.forEach((t) => void t.stop()) };
}

import type { Milestone } from '../domain/incidents/sla.js';

export const MILESTONE_LABELS: Record<Milestone, string> = { work_start: 'Work start', temporary_fix: 'Temporary fix', final_fix: 'Final fix' };

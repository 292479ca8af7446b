import { eq } from 'drizzle-orm';
import { incidents } from '../../db/schema.js';
import type { TxCtx } from '../context.js';
import { applyComponentChanges, goalsFor, linkedComponentIds, timeline, type ComponentChange, type IncidentRow } from './shared.js';

/**
 * Closing an incident: record the final fix (and any missing work start at the same instant),
 * freeze the SLA goals it is judged by, and return its components to operational unless the
 * caller says otherwise. Returns the component changes for the public update.
 */
export async function closeIncident(t: TxCtx, incident: IncidentRow, at: Date, components?: ComponentChange[]) {
  const goals = await goalsFor(t, { severity: incident.severity, slaGoals: null });
  const workStartAt = incident.workStartAt ?? at;
  if (!incident.workStartAt) await timeline(t, incident.id, 'milestone', { milestone: 'work_start', at: at.toISOString(), implied_by: 'final_fix' });
  await t.tx
    .update(incidents)
    .set({ status: 'resolved', finalFixAt: at, resolvedAt: at, workStartAt, slaGoals: goals, updatedAt: t.now })
    .where(eq(incidents.id, incident.id));
  const restore = components ?? (await linkedComponentIds(t, incident.id)).map((id) => ({ id, status: 'operational' as const }));
  return applyComponentChanges(t, incident.id, restore);
}

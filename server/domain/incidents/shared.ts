import { eq, inArray } from 'drizzle-orm';
import { components, incidentComponents, incidentEvents, incidents, type AffectedComponent, type ComponentStatus } from '../../db/schema.js';
import type { TxCtx } from '../context.js';
import { DomainError, notFound, ruleBroken } from '../errors.js';
import { getSlaPolicy } from '../settings/slaPolicy.js';
import type { SlaGoals } from './sla.js';

export type IncidentRow = typeof incidents.$inferSelect;
export interface ComponentChange {
  id: string;
  status: ComponentStatus;
}

export async function lockIncident(t: TxCtx, id: string): Promise<IncidentRow> {
  const [row] = await t.tx.select().from(incidents).where(eq(incidents.id, id)).for('update');
  if (!row) throw notFound('Incident', id);
  return row;
}

/** The goals an incident is judged by: frozen when closed, the current policy while open. */
export async function goalsFor(t: Pick<TxCtx, 'tx'>, incident: Pick<IncidentRow, 'severity' | 'slaGoals'>): Promise<SlaGoals> {
  if (incident.slaGoals) return incident.slaGoals as SlaGoals;
  const policy = await getSlaPolicy(t.tx);
  return policy[String(incident.severity) as '1'];
}

export async function timeline(t: TxCtx, incidentId: string, kind: (typeof incidentEvents.$inferInsert)['kind'], data: Record<string, unknown>, at = t.now) {
  await t.tx.insert(incidentEvents).values({ incidentId, kind, data, actorId: t.actor?.id ?? null, actorName: t.actor?.name ?? null, at });
}

/**
 * Applies component status changes for an incident: updates the components, links them to the
 * incident, writes the timeline, and returns Statuspage's `affected_components` for the update.
 */
export async function applyComponentChanges(t: TxCtx, incidentId: string, changes: ComponentChange[]): Promise<AffectedComponent[] | null> {
  if (!changes.length) return null;
  const ids = [...new Set(changes.map((c) => c.id))];
  if (ids.length !== changes.length) throw ruleBroken('duplicate_component', 'Each component may appear once');
  const rows = await t.tx.select().from(components).where(inArray(components.id, ids)).for('update');
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length) throw new DomainError('not_found', 'component_not_found', `Unknown component: ${missing.join(', ')}`, { ids: missing });
  const groups = rows.filter((r) => r.isGroup);
  if (groups.length) throw ruleBroken('component_is_group', `"${groups[0]!.name}" is a group; choose its components`, { ids: groups.map((g) => g.id) });
  const affected: AffectedComponent[] = [];
  for (const c of changes) {
    const before = byId.get(c.id)!;
    await t.tx.insert(incidentComponents).values({ incidentId, componentId: c.id }).onConflictDoNothing();
    if (before.status === c.status) continue;
    await t.tx.update(components).set({ status: c.status, updatedAt: t.now }).where(eq(components.id, c.id));
    affected.push({ code: c.id, name: before.name, old_status: before.status, new_status: c.status });
  }
  if (affected.length) await timeline(t, incidentId, 'component_change', { changes: affected });
  return affected.length ? affected : null;
}

/** Components linked to an incident that are not operational: what a resolution restores. */
export async function linkedComponentIds(t: TxCtx, incidentId: string): Promise<string[]> {
  const rows = await t.tx.select({ id: incidentComponents.componentId }).from(incidentComponents).where(eq(incidentComponents.incidentId, incidentId));
  return rows.map((r) => r.id);
}

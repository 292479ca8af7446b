import { asc, desc, eq, inArray } from 'drizzle-orm';
import { components, incidentComponents, incidentEvents, incidents, incidentUpdates } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { notFound } from '../errors.js';
import { getSlaPolicy } from '../settings/slaPolicy.js';
import { computeSla, type SlaGoals, type SlaPolicy } from './sla.js';

export type IncidentRow = typeof incidents.$inferSelect;

export function goalsOf(incident: Pick<IncidentRow, 'severity' | 'slaGoals'>, policy: SlaPolicy): SlaGoals {
  return (incident.slaGoals as SlaGoals | null) ?? policy[String(incident.severity) as '1'];
}

export function slaOf(incident: IncidentRow, policy: SlaPolicy, now: Date) {
  return computeSla(goalsOf(incident, policy), incident, now);
}

/** Everything about one incident, staff-side: updates (newest first), timeline, components. */
export async function getIncident(db: Executor, id: string) {
  const [incident] = await db.select().from(incidents).where(eq(incidents.id, id));
  if (!incident) throw notFound('Incident', id);
  const [updates, events, links, policy] = await Promise.all([
    db.select().from(incidentUpdates).where(eq(incidentUpdates.incidentId, id)).orderBy(desc(incidentUpdates.createdAt), desc(incidentUpdates.id)),
    db.select().from(incidentEvents).where(eq(incidentEvents.incidentId, id)).orderBy(asc(incidentEvents.id)),
    db.select({ id: incidentComponents.componentId }).from(incidentComponents).where(eq(incidentComponents.incidentId, id)),
    getSlaPolicy(db),
  ]);
  const comps = links.length ? await db.select().from(components).where(inArray(components.id, links.map((l) => l.id))) : [];
  return { incident, updates, events, components: comps, policy };
}

export type IncidentDetail = Awaited<ReturnType<typeof getIncident>>;

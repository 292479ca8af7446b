import { and, eq, inArray, sql } from 'drizzle-orm';
import { components, maintenanceComponents, maintenanceNotices, maintenances, type MaintenanceNoticeKind } from '../../db/schema.js';
import type { TxCtx } from '../context.js';
import { DomainError, notFound, ruleBroken } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { getMaintenanceWindowRules } from '../settings/maintenanceWindows.js';
import { dueNotices, isStale, NOTICE_EVENT, type DueNotice } from './notices.js';
import { validatePlannedSlot } from './windows.js';

export type MaintenanceRow = typeof maintenances.$inferSelect;

/**
 * The next iCalendar SEQUENCE, set in every update that changes what the public sees (times,
 * text, status), so calendar apps replace their copy of the event (RFC 5545 §3.8.7.4).
 */
export const bumpSequence = () => sql`${maintenances.sequence} + 1`;

export async function lockMaintenance(t: TxCtx, id: string): Promise<MaintenanceRow> {
  const [row] = await t.tx.select().from(maintenances).where(eq(maintenances.id, id)).for('update');
  if (!row) throw notFound('Maintenance', id);
  return row;
}

/** Planned: inside one window and ≥ 24 h ahead. Unplanned: any time from now on, ending after it starts. */
export async function checkSlot(t: TxCtx, kind: MaintenanceRow['kind'], scheduledFor: Date, scheduledUntil: Date): Promise<void> {
  if (kind === 'planned') {
    const result = validatePlannedSlot(await getMaintenanceWindowRules(t.tx, scheduledFor), { scheduledFor, scheduledUntil, now: t.now });
    if (!result.ok) throw ruleBroken(result.code, result.message, 'details' in result ? result.details : undefined);
    return;
  }
  if (scheduledUntil.getTime() <= scheduledFor.getTime()) throw ruleBroken('invalid_range', 'The maintenance must end after it starts.');
  if (scheduledFor.getTime() < t.now.getTime()) throw ruleBroken('start_in_past', 'Unplanned maintenance cannot start in the past; leave scheduled_for out to start now.');
}

/** Links components (not groups) to the maintenance. */
export async function linkComponents(t: TxCtx, maintenanceId: string, ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length !== ids.length) throw ruleBroken('duplicate_component', 'Each component may appear once');
  if (!unique.length) return;
  const rows = await t.tx.select().from(components).where(inArray(components.id, unique));
  const missing = unique.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) throw new DomainError('not_found', 'component_not_found', `Unknown component: ${missing.join(', ')}`, { ids: missing });
  const groups = rows.filter((r) => r.isGroup);
  if (groups.length) throw ruleBroken('component_is_group', `"${groups[0]!.name}" is a group; choose its components`, { ids: groups.map((g) => g.id) });
  await t.tx.insert(maintenanceComponents).values(unique.map((componentId) => ({ maintenanceId, componentId })));
}

/** Claims one notice through its unique key; false when it was already fired (here or elsewhere). */
export async function claimNotice(t: TxCtx, maintenanceId: string, kind: MaintenanceNoticeKind, instant: Date): Promise<boolean> {
  const rows = await t.tx.insert(maintenanceNotices).values({ maintenanceId, kind, instant, firedAt: t.now }).onConflictDoNothing().returning();
  return rows.length === 1;
}

export function eventPayload(m: MaintenanceRow, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    maintenance_id: m.id,
    title: m.title,
    kind: m.kind,
    status: m.status,
    notify: m.notify,
    scheduled_for: m.scheduledFor.toISOString(),
    scheduled_until: m.scheduledUntil.toISOString(),
    ...extra,
  };
}

/** Announces a (re)schedule at once: the 'announced' notice plus its event. */
export async function announce(t: TxCtx, m: MaintenanceRow, eventType: string): Promise<void> {
  await claimNotice(t, m.id, 'announced', t.now);
  await recordEvent(t, eventType, eventPayload(m, { instant: t.now.toISOString() }));
}

/** Start: components go under maintenance, remembering their status. */
async function start(t: TxCtx, m: MaintenanceRow): Promise<MaintenanceRow> {
  const links = await t.tx.select().from(maintenanceComponents).where(eq(maintenanceComponents.maintenanceId, m.id));
  const ids = links.map((l) => l.componentId);
  const rows = ids.length ? await t.tx.select().from(components).where(inArray(components.id, ids)).for('update') : [];
  for (const c of rows) {
    await t.tx
      .update(maintenanceComponents)
      .set({ previousStatus: c.status === 'under_maintenance' ? null : c.status })
      .where(and(eq(maintenanceComponents.maintenanceId, m.id), eq(maintenanceComponents.componentId, c.id)));
    if (c.status !== 'under_maintenance') await t.tx.update(components).set({ status: 'under_maintenance', updatedAt: t.now }).where(eq(components.id, c.id));
  }
  const [row] = await t.tx.update(maintenances).set({ status: 'in_progress', startedAt: t.now, updatedAt: t.now, sequence: bumpSequence() }).where(eq(maintenances.id, m.id)).returning();
  return row!;
}

/** Completion: components restored, but only those still under maintenance (an incident may have changed them). */
export async function finish(t: TxCtx, m: MaintenanceRow): Promise<MaintenanceRow> {
  const links = await t.tx.select().from(maintenanceComponents).where(eq(maintenanceComponents.maintenanceId, m.id));
  for (const l of links) {
    if (!l.previousStatus) continue;
    await t.tx
      .update(components)
      .set({ status: l.previousStatus, updatedAt: t.now })
      .where(and(eq(components.id, l.componentId), eq(components.status, 'under_maintenance')));
  }
  const [row] = await t.tx.update(maintenances).set({ status: 'completed', completedAt: t.now, updatedAt: t.now, sequence: bumpSequence() }).where(eq(maintenances.id, m.id)).returning();
  return row!;
}

export interface FiredNotice extends DueNotice {
  maintenanceId: string;
  title: string;
  lateMs: number;
  announced: boolean;
}

/**
 * Fires the due notices of one (locked) maintenance: claims each once, applies start and
 * completion, records the outbox events. Stale pre-start notices are claimed but not announced.
 */
export async function fireNoticesFor(t: TxCtx, m: MaintenanceRow): Promise<{ row: MaintenanceRow; fired: FiredNotice[] }> {
  const due = dueNotices(m, t.now);
  const fired: FiredNotice[] = [];
  let row = m;
  for (const n of due) {
    if (!(await claimNotice(t, m.id, n.kind, n.instant))) continue;
    if (n.kind === 'started' && row.status === 'scheduled') row = await start(t, row);
    if (n.kind === 'completed' && (row.status === 'in_progress' || row.status === 'scheduled')) row = await finish(t, row);
    const lateMs = t.now.getTime() - n.instant.getTime();
    const announced = !isStale(n, due);
    if (announced) await recordEvent(t, NOTICE_EVENT[n.kind], eventPayload(row, { instant: n.instant.toISOString(), late_ms: lateMs }));
    fired.push({ ...n, maintenanceId: m.id, title: m.title, lateMs, announced });
  }
  return { row, fired };
}

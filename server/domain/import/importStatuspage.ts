import { eq } from 'drizzle-orm';
import { components, incidentComponents, incidentEvents, incidentUpdates, incidents, maintenanceComponents, maintenances } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx, type TxCtx } from '../context.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';
import { parseStatuspageImport, SEVERITY_BY_IMPACT, type IncidentEntry, type MaintenanceEntry, type Skipped } from './statuspageEntries.js';

export interface ImportCounts {
  components: number;
  incidents: number;
  incident_updates: number;
  scheduled_maintenances: number;
}
export interface ImportReport {
  imported: ImportCounts;
  /** Already imported before (same source id): left as they are. */
  unchanged: ImportCounts;
  skipped: Skipped[];
}

const ext = (id: string) => `statuspage:${id}`;
const zero = (): ImportCounts => ({ components: 0, incidents: 0, incident_updates: 0, scheduled_maintenances: 0 });

/**
 * Imports a Statuspage page's components, incidents (with their update history) and scheduled
 * maintenance, keeping the original dates. Every row remembers its source id, so importing the same
 * documents again changes nothing. No subscriber hears about it: updates are stored with
 * deliver_notifications off, maintenance with notify off, and the only event written is
 * `import.completed`, which refreshes the public page and fans out to no channel.
 */
export async function importStatuspage(ctx: Ctx, input: { components: readonly unknown[]; incidents: readonly unknown[]; scheduled_maintenances: readonly unknown[] }): Promise<ImportReport> {
  assertCan(ctx.actor!.role, 'administer');
  const parsed = parseStatuspageImport(input);
  const report: ImportReport = { imported: zero(), unchanged: zero(), skipped: parsed.skipped };
  return inTransaction(ctx, async (t) => {
    const componentIds = new Map<string, string>(); // Statuspage id → Beacon id
    const existing = await t.tx.select({ id: components.id, externalId: components.externalId }).from(components);
    for (const c of existing) if (c.externalId?.startsWith('statuspage:')) componentIds.set(c.externalId.slice('statuspage:'.length), c.id);

    for (const c of parsed.components) {
      if (componentIds.has(c.id)) {
        report.unchanged.components++;
        continue;
      }
      const [row] = await t.tx
        .insert(components)
        .values({
          name: c.name,
          description: c.description ?? null,
          isGroup: c.group ?? false,
          groupId: c.group_id ? componentIds.get(c.group_id)! : null,
          position: c.position ?? 0,
          status: c.status,
          showcase: c.showcase ?? true,
          onlyShowIfDegraded: c.only_show_if_degraded ?? false,
          startDate: c.start_date ?? null,
          createdAt: c.created_at,
          updatedAt: c.updated_at ?? c.created_at,
          externalId: ext(c.id),
        })
        .returning({ id: components.id });
      componentIds.set(c.id, row!.id);
      report.imported.components++;
    }

    for (const i of parsed.incidents) await importIncident(t, i, componentIds, report);
    for (const m of parsed.maintenances) await importMaintenance(t, m, componentIds, report);

    await recordAudit(t, { action: 'import.statuspage', subjectType: 'import', after: { imported: report.imported, unchanged: report.unchanged, skipped: report.skipped.length } });
    if (report.imported.components + report.imported.incidents + report.imported.incident_updates + report.imported.scheduled_maintenances > 0) {
      await recordEvent(t, 'import.completed', { source: 'statuspage', imported: report.imported });
    }
    return report;
  });
}

const statusWord = (s: string) => (s === 'postmortem' ? 'resolved' : s) as 'investigating' | 'identified' | 'monitoring' | 'resolved';

async function importIncident(t: TxCtx, i: IncidentEntry, componentIds: Map<string, string>, report: ImportReport) {
  let [row] = await t.tx.select({ id: incidents.id }).from(incidents).where(eq(incidents.externalId, ext(i.id)));
  if (row) report.unchanged.incidents++;
  else {
    const reportedAt = i.started_at ?? i.created_at;
    const resolvedAt = i.status === 'resolved' || i.status === 'postmortem' ? (i.resolved_at ?? i.updated_at ?? i.created_at) : null;
    [row] = await t.tx
      .insert(incidents)
      .values({
        title: i.name,
        severity: SEVERITY_BY_IMPACT[i.impact],
        status: statusWord(i.status),
        reportedAt,
        monitoringAt: i.monitoring_at,
        resolvedAt,
        // Statuspage has no SLA milestones; a resolved incident was finally fixed when it resolved.
        finalFixAt: resolvedAt,
        createdAt: i.created_at,
        updatedAt: i.updated_at ?? i.created_at,
        externalId: ext(i.id),
      })
      .returning({ id: incidents.id });
    const id = row!.id;
    await t.tx.insert(incidentEvents).values({ incidentId: id, kind: 'created', data: { severity: SEVERITY_BY_IMPACT[i.impact], reported_at: reportedAt.toISOString(), imported_from: 'statuspage', source_id: i.id }, actorId: t.actor!.id, actorName: t.actor!.name, at: i.created_at });
    const linked = [...new Set((i.components ?? []).map((c) => componentIds.get(c.id)).filter((x): x is string => !!x))];
    if (linked.length) await t.tx.insert(incidentComponents).values(linked.map((componentId) => ({ incidentId: id, componentId })));
    report.imported.incidents++;
  }
  // Updates are matched one by one, so a re-import after the source posted more adds just those.
  for (const u of [...i.incident_updates].reverse()) {
    const [seen] = await t.tx.select({ id: incidentUpdates.id }).from(incidentUpdates).where(eq(incidentUpdates.externalId, ext(u.id)));
    if (seen) {
      report.unchanged.incident_updates++;
      continue;
    }
    const affected = u.affected_components?.length
      ? u.affected_components.map((a) => ({ code: componentIds.get(a.code) ?? a.code, name: a.name ?? '', old_status: a.old_status ?? '', new_status: a.new_status ?? '' }))
      : null;
    const [upd] = await t.tx
      .insert(incidentUpdates)
      .values({ incidentId: row!.id, status: statusWord(u.status), body: u.body, deliverNotifications: false, skipTwitter: true, affectedComponents: affected, createdAt: u.created_at, displayAt: u.display_at ?? u.created_at, externalId: ext(u.id) })
      .returning({ id: incidentUpdates.id });
    await t.tx.insert(incidentEvents).values({ incidentId: row!.id, kind: 'update', data: { update_id: upd!.id, status: statusWord(u.status), body: u.body, quiet: true }, actorId: t.actor!.id, actorName: t.actor!.name, at: u.created_at });
    report.imported.incident_updates++;
  }
}

async function importMaintenance(t: TxCtx, m: MaintenanceEntry, componentIds: Map<string, string>, report: ImportReport) {
  const [seen] = await t.tx.select({ id: maintenances.id }).from(maintenances).where(eq(maintenances.externalId, ext(m.id)));
  if (seen) {
    report.unchanged.scheduled_maintenances++;
    return;
  }
  const updates = [...m.incident_updates].sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  const firstAt = (status: string) => updates.find((u) => u.status === status)?.created_at ?? null;
  const [row] = await t.tx
    .insert(maintenances)
    .values({
      title: m.name,
      // Beacon keeps one text per maintenance: the announcement (the oldest update).
      body: updates[0]?.body || m.name,
      kind: 'planned',
      status: m.status,
      scheduledFor: m.scheduled_for,
      scheduledUntil: m.scheduled_until,
      notify: false,
      createdAt: m.created_at,
      updatedAt: m.updated_at ?? m.created_at,
      scheduledAt: m.created_at,
      startedAt: m.status === 'scheduled' ? null : (firstAt('in_progress') ?? m.scheduled_for),
      verifyingAt: m.monitoring_at ?? firstAt('verifying'),
      completedAt: m.status === 'completed' ? (m.resolved_at ?? firstAt('completed') ?? m.scheduled_until) : null,
      externalId: ext(m.id),
    })
    .returning({ id: maintenances.id });
  const linked = [...new Set((m.components ?? []).map((c) => componentIds.get(c.id)).filter((x): x is string => !!x))];
  // A running maintenance hands its components back as operational when it completes here.
  const previousStatus = m.status === 'in_progress' || m.status === 'verifying' ? ('operational' as const) : null;
  if (linked.length) await t.tx.insert(maintenanceComponents).values(linked.map((componentId) => ({ maintenanceId: row!.id, componentId, previousStatus })));
  report.imported.scheduled_maintenances++;
}

import { asc, getTableColumns } from 'drizzle-orm';
import type { PgTable, PgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../../db/client.js';
import {
  auditLog,
  components,
  incidentComponents,
  incidentEvents,
  incidentUpdates,
  incidents,
  maintenanceComponents,
  maintenances,
  notices,
  subscribers,
} from '../../db/schema.js';
import { loadSlaReport } from '../incidents/loadSlaReport.js';
import { getSlaPolicy } from '../settings/slaPolicy.js';

export const EXPORT_PAGE_SIZE = 500;

/** One kind of record in the export: a JSON file and a CSV file, read from the database in pages. */
export interface ExportKind {
  name: string;
  columns: readonly string[];
  rows: (db: Executor, now: Date) => AsyncGenerator<Record<string, unknown>>;
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A database row as the export shows it: snake_case keys, ISO-8601 times. */
export function exportRecord(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [snake(k), v instanceof Date ? v.toISOString() : v]));
}

/** Pages through a table in a stable key order, so memory stays flat however big the table is. */
function tableKind(name: string, table: PgTable, order: PgColumn[]): ExportKind {
  const columns = Object.keys(getTableColumns(table)).map(snake);
  return {
    name,
    columns,
    async *rows(db) {
      for (let offset = 0; ; offset += EXPORT_PAGE_SIZE) {
        const page = await db.select().from(table).orderBy(...order.map((c) => asc(c))).limit(EXPORT_PAGE_SIZE).offset(offset);
        for (const row of page) yield exportRecord(row as Record<string, unknown>);
        if (page.length < EXPORT_PAGE_SIZE) return;
      }
    },
  };
}

const slaReportColumns = ['severity', 'count', 'goal', 'met', 'breached', 'pending', 'attainment_pct', 'median_ms', 'p90_ms', 'samples', 'backdated'] as const;

/** Everything an admin can take away, in the order the zip holds it. */
export const exportKinds: readonly ExportKind[] = [
  tableKind('components', components, [components.id]),
  tableKind('incidents', incidents, [incidents.reportedAt, incidents.id]),
  tableKind('incident_updates', incidentUpdates, [incidentUpdates.createdAt, incidentUpdates.id]),
  tableKind('incident_events', incidentEvents, [incidentEvents.id]),
  tableKind('incident_components', incidentComponents, [incidentComponents.incidentId, incidentComponents.componentId]),
  tableKind('maintenances', maintenances, [maintenances.scheduledFor, maintenances.id]),
  tableKind('maintenance_components', maintenanceComponents, [maintenanceComponents.maintenanceId, maintenanceComponents.componentId]),
  tableKind('notices', notices, [notices.publishAt, notices.id]),
  tableKind('subscribers', subscribers, [subscribers.createdAt, subscribers.id]),
  tableKind('audit_log', auditLog, [auditLog.id]),
  {
    name: 'sla_policy',
    columns: ['severity', 'work_start_ms', 'temporary_fix_ms', 'final_fix_ms'],
    async *rows(db) {
      const policy = (await getSlaPolicy(db)) as unknown as Record<string, Record<string, number | null> | null>;
      for (const [severity, goals] of Object.entries(policy)) {
        yield { severity: Number(severity), work_start_ms: goals?.work_start ?? null, temporary_fix_ms: goals?.temporary_fix ?? null, final_fix_ms: goals?.final_fix ?? null };
      }
    },
  },
  {
    // All-time attainment per severity and goal (the console's report, over every incident).
    name: 'sla_report',
    columns: slaReportColumns,
    async *rows(db, now) {
      const report = await loadSlaReport(db, { from: new Date(0), to: new Date(now.getTime() + 1) }, now);
      for (const row of report) {
        for (const goal of Object.keys(row.goals) as (keyof typeof row.goals)[]) {
          yield { severity: row.severity, count: row.count, goal, ...row.goals[goal], ...row.time_to[goal], backdated: row.backdated[goal] };
        }
      }
    },
  },
];

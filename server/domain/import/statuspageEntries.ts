// Pure parsing of Statuspage's public API documents into what Beacon imports. Each entry is checked
// on its own: a malformed one is reported (which, where, why) and the rest still import.
import { z } from 'zod';
import { componentStatuses } from '../../db/schema.js';

const id = z.union([z.string().trim().min(1).max(200), z.number().int()]).transform(String);
const when = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const optionalWhen = when.nullable().optional().transform((d) => d ?? null);

const componentEntry = z.object({
  id,
  name: z.string().trim().min(1).max(200),
  status: z.enum(componentStatuses).optional().default('operational'),
  description: z.string().max(2000).nullable().optional(),
  position: z.number().int().optional(),
  showcase: z.boolean().optional(),
  only_show_if_degraded: z.boolean().optional(),
  start_date: z.iso.date().nullable().optional(),
  group: z.boolean().optional(),
  group_id: id.nullable().optional(),
  created_at: when,
  updated_at: optionalWhen,
});
export type ComponentEntry = z.output<typeof componentEntry>;

const incidentStatus = z.enum(['investigating', 'identified', 'monitoring', 'resolved', 'postmortem']);
const updateEntry = z.object({
  id,
  status: z.string(),
  body: z.string().max(20_000).nullable().optional().transform((b) => b ?? ''),
  created_at: when,
  display_at: optionalWhen,
  affected_components: z.array(z.object({ code: id, name: z.string().optional(), old_status: z.string().optional(), new_status: z.string().optional() })).nullable().optional(),
});
const componentRef = z.object({ id });

const incidentEntry = z.object({
  id,
  name: z.string().trim().min(1).max(200),
  status: incidentStatus,
  impact: z.enum(['none', 'minor', 'major', 'critical']),
  created_at: when,
  updated_at: optionalWhen,
  started_at: optionalWhen,
  monitoring_at: optionalWhen,
  resolved_at: optionalWhen,
  components: z.array(componentRef).nullable().optional(),
  incident_updates: z.array(updateEntry.extend({ status: incidentStatus })).max(1000),
});
export type IncidentEntry = z.output<typeof incidentEntry>;

const maintenanceStatus = z.enum(['scheduled', 'in_progress', 'verifying', 'completed']);
const maintenanceEntry = z
  .object({
    id,
    name: z.string().trim().min(1).max(200),
    status: maintenanceStatus,
    created_at: when,
    updated_at: optionalWhen,
    monitoring_at: optionalWhen,
    resolved_at: optionalWhen,
    scheduled_for: when,
    scheduled_until: when,
    components: z.array(componentRef).nullable().optional(),
    incident_updates: z.array(updateEntry.extend({ status: maintenanceStatus })).max(1000).optional().default([]),
  })
  .refine((m) => m.scheduled_until > m.scheduled_for, { message: 'must be after scheduled_for', path: ['scheduled_until'] });
export type MaintenanceEntry = z.output<typeof maintenanceEntry>;

export interface Skipped {
  kind: 'component' | 'incident' | 'scheduled_maintenance';
  index: number;
  id: string | null;
  reason: string;
}

/** "field: message" of the first problem, in words an admin can act on. */
function reasonOf(err: z.ZodError): string {
  const issue = err.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : 'entry';
  return `${where}: ${issue.message}`;
}

function parseAll<T>(kind: Skipped['kind'], schema: z.ZodType<T>, entries: readonly unknown[], skipped: Skipped[]): { index: number; value: T }[] {
  const ok: { index: number; value: T }[] = [];
  entries.forEach((entry, index) => {
    const res = schema.safeParse(entry);
    if (res.success) return ok.push({ index, value: res.data });
    const rawId = entry && typeof entry === 'object' && 'id' in entry ? (entry as { id: unknown }).id : null;
    skipped.push({ kind, index, id: typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : null, reason: reasonOf(res.error) });
  });
  return ok;
}

export interface ParsedImport {
  components: ComponentEntry[];
  incidents: IncidentEntry[];
  maintenances: MaintenanceEntry[];
  skipped: Skipped[];
}

/** Splits the three arrays into importable entries and a report of the rest. */
export function parseStatuspageImport(input: { components: readonly unknown[]; incidents: readonly unknown[]; scheduled_maintenances: readonly unknown[] }): ParsedImport {
  const skipped: Skipped[] = [];
  const components = parseAll('component', componentEntry, input.components, skipped);
  // Groups first, so members find them; a member whose group is missing is reported, not guessed.
  const groupIds = new Set(components.filter((c) => c.value.group).map((c) => c.value.id));
  const kept = components.filter(({ index, value: c }) => {
    const reason = c.group && c.group_id ? 'group_id: a group cannot belong to another group' : c.group_id && !groupIds.has(c.group_id) ? `group_id: no group with id "${c.group_id}" in this import` : null;
    if (reason) skipped.push({ kind: 'component', index, id: c.id, reason });
    return !reason;
  });
  kept.sort((a, b) => Number(!a.value.group) - Number(!b.value.group));
  return {
    components: kept.map((c) => c.value),
    incidents: parseAll('incident', incidentEntry, input.incidents, skipped).map((e) => e.value),
    maintenances: parseAll('scheduled_maintenance', maintenanceEntry, input.scheduled_maintenances, skipped).map((e) => e.value),
    skipped,
  };
}

/** Statuspage impact → Beacon severity (the inverse of the public API's mapping). */
export const SEVERITY_BY_IMPACT = { critical: 1, major: 2, minor: 3, none: 4 } as const;

/** A document's array, whether given bare (the API body) or as the whole document (the console upload). */
export function arrayOf(value: unknown, key: string): unknown[] | null {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && Array.isArray((value as Record<string, unknown>)[key])) return (value as Record<string, unknown[]>)[key]!;
  return null;
}

import { and, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { incidentComponents, incidents, type IncidentStatus } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { invalid } from '../errors.js';
import { getSlaPolicy } from '../settings/slaPolicy.js';
import { milestones, type Milestone, type SlaPolicy, type SlaState } from './sla.js';

export interface IncidentFilter {
  status?: IncidentStatus[];
  severity?: number[];
  component?: string;
  from?: Date;
  to?: Date;
  sla_state?: SlaState;
  cursor?: string;
  limit: number;
}

/** SQL for an incident's goal in ms: its frozen goal if closed, else the current policy's. */
function goalSql(policy: SlaPolicy, m: Milestone): SQL {
  const cases = (['1', '2', '3', '4'] as const).map((sev) => {
    const v = policy[sev][m];
    return sql`when ${Number(sev)} then ${v === null ? sql`null` : sql.raw(String(Math.trunc(v)))}::bigint`;
  });
  return sql`(case when ${incidents.slaGoals} is not null then (${incidents.slaGoals}->>${m})::bigint else (case ${incidents.severity} ${sql.join(cases, sql` `)} end) end)`;
}

function reachedSql(m: Milestone): SQL {
  if (m === 'work_start') return sql`${incidents.workStartAt}`;
  if (m === 'temporary_fix') return sql`coalesce(${incidents.temporaryFixAt}, ${incidents.finalFixAt})`;
  return sql`${incidents.finalFixAt}`;
}

/** The same state rules as sla.ts timerFor(), in SQL, so the filter pages correctly. */
function stateSql(policy: SlaPolicy, m: Milestone, state: SlaState, now: Date): SQL {
  const goal = goalSql(policy, m);
  const due = sql`(${incidents.reportedAt} + ${goal} * interval '1 millisecond')`;
  const reached = reachedSql(m);
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  switch (state) {
    case 'none':
      return sql`${goal} is null`;
    case 'met':
      return sql`(${goal} is not null and ${reached} is not null and ${reached} <= ${due})`;
    case 'breached':
      return sql`(${goal} is not null and ((${reached} is not null and ${reached} > ${due}) or (${reached} is null and ${nowSql} > ${due})))`;
    case 'pending':
      return sql`(${goal} is not null and ${reached} is null and ${nowSql} <= ${due})`;
  }
}

export function encodeCursor(row: { reportedAt: Date; id: string }): string {
  return Buffer.from(`${row.reportedAt.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const d = new Date(at ?? '');
  if (!id || Number.isNaN(d.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) throw invalid('invalid_cursor', 'cursor is not valid', { field: 'cursor' });
  return { at: d, id };
}

/**
 * Newest reported first, keyset-paged. `sla_state` matches incidents with at least one timer in
 * that state (e.g. breached = any goal breached).
 */
export async function listIncidents(db: Executor, filter: IncidentFilter, now: Date) {
  const policy = await getSlaPolicy(db);
  const where: SQL[] = [];
  if (filter.status?.length) where.push(inArray(incidents.status, filter.status));
  if (filter.severity?.length) where.push(inArray(incidents.severity, filter.severity));
  if (filter.from) where.push(gte(incidents.reportedAt, filter.from));
  if (filter.to) where.push(lt(incidents.reportedAt, filter.to));
  if (filter.component) {
    where.push(sql`exists (select 1 from ${incidentComponents} where ${incidentComponents.incidentId} = ${incidents.id} and ${incidentComponents.componentId} = ${filter.component})`);
  }
  if (filter.sla_state) {
    const s = filter.sla_state;
    where.push(s === 'none' ? and(...milestones.map((m) => stateSql(policy, m, 'none', now)))! : or(...milestones.map((m) => stateSql(policy, m, s, now)))!);
  }
  if (filter.cursor) {
    const c = decodeCursor(filter.cursor);
    where.push(or(lt(incidents.reportedAt, c.at), and(eq(incidents.reportedAt, c.at), lt(incidents.id, c.id)))!);
  }
  const rows = await db
    .select()
    .from(incidents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(incidents.reportedAt), desc(incidents.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  return { incidents: page, policy, nextCursor: rows.length > filter.limit ? encodeCursor(page[page.length - 1]!) : null };
}

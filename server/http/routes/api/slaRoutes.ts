import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { listBackdatedMilestones } from '../../../domain/incidents/listBackdatedMilestones.js';
import { loadSlaReport } from '../../../domain/incidents/loadSlaReport.js';
import { slaReportCsv } from '../../../domain/incidents/slaReport.js';
import { getSlaPolicy, updateSlaPolicy } from '../../../domain/settings/slaPolicy.js';
import { getCadencePolicy, updateCadencePolicy } from '../../../domain/settings/updateCadence.js';
import { MAX_CADENCE_MINUTES } from '../../../domain/incidents/cadence.js';
import { requireApi } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { isoDate, parse } from '../../validate.js';

// Goals are edited in minutes (null = no commitment); stored in ms.
const goal = z.number().int().min(1).max(365 * 24 * 60).nullable();
const goals = z.strictObject({ work_start: goal, temporary_fix: goal, final_fix: goal });
export const policyBody = z.strictObject({ '1': goals, '2': goals, '3': goals, '4': goals });
const toMinutes = (p: Awaited<ReturnType<typeof getSlaPolicy>>) =>
  Object.fromEntries(Object.entries(p).map(([sev, g]) => [sev, Object.fromEntries(Object.entries(g).map(([m, ms]) => [m, ms === null ? null : ms / 60_000]))]));

// Default "next update by" interval per severity, in minutes (null = no default commitment).
const interval = z.number().int('must be whole minutes').min(1).max(MAX_CADENCE_MINUTES).nullable();
export const cadenceBody = z.strictObject({ '1': interval, '2': interval, '3': interval, '4': interval });

export const reportQuery = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

/** Default report range: the 30 days up to the end of today (UTC), so "now" is included. */
export function reportRange(q: { from?: Date; to?: Date }, now: Date) {
  const to = q.to ?? new Date(Math.floor(now.getTime() / 86_400_000 + 1) * 86_400_000);
  return { from: q.from ?? new Date(to.getTime() - 30 * 24 * 3600_000), to };
}

export function slaRoutes(deps: AppDeps): Router {
  const r = Router();

  r.get('/sla-policy', requireApi('read'), async (_req, res) => {
    res.json({ unit: 'minutes', policy: toMinutes(await getSlaPolicy(deps.database.db)) });
  });

  r.put('/sla-policy', requireApi('administer'), async (req, res) => {
    const body = parse(policyBody, req.body);
    const ms = Object.fromEntries(Object.entries(body).map(([sev, g]) => [sev, Object.fromEntries(Object.entries(g).map(([m, min]) => [m, min === null ? null : min * 60_000]))]));
    const saved = await updateSlaPolicy(ctxOf(deps, req), ms as never);
    res.json({ unit: 'minutes', policy: toMinutes(saved) });
  });

  r.get('/update-cadence', requireApi('read'), async (_req, res) => {
    res.json({ unit: 'minutes', policy: await getCadencePolicy(deps.database.db) });
  });

  r.put('/update-cadence', requireApi('administer'), async (req, res) => {
    const saved = await updateCadencePolicy(ctxOf(deps, req), parse(cadenceBody, req.body));
    res.json({ unit: 'minutes', policy: saved });
  });

  r.get('/reports/sla', requireApi('read'), async (req, res) => {
    const q = parse(reportQuery, req.query);
    const now = deps.clock.now();
    const range = reportRange(q, now);
    const rows = await loadSlaReport(deps.database.db, range, now);
    if (q.format === 'csv') {
      res.type('text/csv').attachment(`sla-report-${range.from.toISOString().slice(0, 10)}-${range.to.toISOString().slice(0, 10)}.csv`).send(slaReportCsv(rows));
      return;
    }
    res.json({ from: range.from.toISOString(), to: range.to.toISOString(), severities: rows, backdated: await listBackdatedMilestones(deps.database.db, range) });
  });

  return r;
}

import { Router, type Request } from 'express';
import type { AppDeps } from '../../../deps.js';
import { invalid } from '../../../domain/errors.js';
import { milestones, type Milestone, type SlaPolicy } from '../../../domain/incidents/sla.js';
import { listBackdatedMilestones } from '../../../domain/incidents/listBackdatedMilestones.js';
import { loadSlaReport } from '../../../domain/incidents/loadSlaReport.js';
import { loadPostmortemCoverage } from '../../../domain/postmortems/loadPostmortemCoverage.js';

type Coverage = Awaited<ReturnType<typeof loadPostmortemCoverage>>;
const withLabel = <T extends { postmortem: string }>(i: T) => ({ ...i, postmortemLabel: POSTMORTEM_STATE_LABELS[i.postmortem] ?? i.postmortem });
const postmortemView = (c: Coverage) => ({ incidents: c.incidents.map(withLabel), missing: c.missing.map(withLabel) });
import { slaReportCsv, type SeverityRow } from '../../../domain/incidents/slaReport.js';
import { confirmSlaPolicy } from '../../../domain/settings/confirmSlaPolicy.js';
import { getSlaPolicy, updateSlaPolicy } from '../../../domain/settings/slaPolicy.js';
import { getCadencePolicy, updateCadencePolicy } from '../../../domain/settings/updateCadence.js';
import { MAX_CADENCE_MINUTES, type CadencePolicy } from '../../../domain/incidents/cadence.js';
import { requireConsole } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { formatDurationText, parseDuration } from '../../durationText.js';
import { redirectDone } from '../../flash.js';
import { renderFormError } from '../../forms.js';
import { parse } from '../../validate.js';
import { formatDuration } from '../../../presenters/durations.js';
import { MILESTONE_LABELS, POSTMORTEM_STATE_LABELS } from '../../../presenters/labels.js';
import { reportQuery, reportRange } from '../api/slaRoutes.js';

const SEVERITIES = ['1', '2', '3', '4'] as const;
const MINUTE = 60_000;
const MAX_MS = 365 * 24 * 60 * MINUTE;

const fieldName = (sev: string, m: Milestone) => `sev${sev}_${m}`;

/** Form durations ("1h", "48h", "14d", "1d 12h") → policy ms. Blank = no goal. Every bad field is reported. */
export function policyFromForm(body: Record<string, unknown> | undefined): SlaPolicy {
  const fields: { field: string; message: string }[] = [];
  const policy = {} as Record<string, Record<Milestone, number | null>>;
  for (const sev of SEVERITIES) {
    policy[sev] = {} as Record<Milestone, number | null>;
    for (const m of milestones) {
      const field = fieldName(sev, m);
      const raw = body?.[field];
      const text = typeof raw === 'string' ? raw.trim() : undefined;
      const label = `Severity ${sev} ${MILESTONE_LABELS[m].toLowerCase()}`;
      if (text === undefined) fields.push({ field, message: `${label} is missing from the form` });
      else if (text === '') policy[sev][m] = null;
      else {
        const d = parseDuration(text);
        if (!d.ok) fields.push({ field, message: `${label} ${d.message}` });
        else if (d.ms < MINUTE || d.ms > MAX_MS) fields.push({ field, message: `${label} must be from 1m to 365d, or blank for no goal` });
        else policy[sev][m] = d.ms;
      }
    }
  }
  if (fields.length) throw invalid('validation_failed', fields[0]!.message, { fields });
  return policy as SlaPolicy;
}

const cadenceField = (sev: string) => `next_update_sev${sev}`;

/** Form intervals ("30m", "4h") → minutes per severity. Blank = no default commitment. */
export function cadenceFromForm(body: Record<string, unknown> | undefined): CadencePolicy {
  const fields: { field: string; message: string }[] = [];
  const policy = {} as Record<string, number | null>;
  for (const sev of SEVERITIES) {
    const field = cadenceField(sev);
    const raw = body?.[field];
    const text = typeof raw === 'string' ? raw.trim() : undefined;
    const label = `Severity ${sev} next update`;
    if (text === undefined) fields.push({ field, message: `${label} is missing from the form` });
    else if (text === '') policy[sev] = null;
    else {
      const d = parseDuration(text);
      if (!d.ok) fields.push({ field, message: `${label} ${d.message}` });
      else if (d.ms < MINUTE || d.ms > MAX_CADENCE_MINUTES * MINUTE || d.ms % MINUTE) fields.push({ field, message: `${label} must be whole minutes from 1m to 7d, or blank for none` });
      else policy[sev] = d.ms / MINUTE;
    }
  }
  if (fields.length) throw invalid('validation_failed', fields[0]!.message, { fields });
  return policy as CadencePolicy;
}

/** Date inputs send YYYY-MM-DD (UTC days, "to" inclusive); full ISO timestamps are accepted as well. */
function reportRangeOf(req: Request, now: Date) {
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const day = (v: string | undefined, plusDays: number) => {
    if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
    const d = new Date(`${v}T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? v : new Date(d.getTime() + plusDays * 86_400_000).toISOString();
  };
  const q = parse(reportQuery, {
    ...(str(req.query.from) && { from: day(str(req.query.from), 0) }),
    ...(str(req.query.to) && { to: day(str(req.query.to), 1) }),
  });
  return reportRange(q, now);
}

const dateOnly = (d: Date) => d.toISOString().slice(0, 10);
const utcText = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
/** The inclusive last day of a [from, to) range, for the "to" date input. */
const lastDay = (to: Date) => dateOnly(to.toISOString().endsWith('T00:00:00.000Z') ? new Date(to.getTime() - 1) : to);

function reportView(rows: SeverityRow[]) {
  return rows.map((r) => ({
    severity: r.severity,
    countLabel: `${r.count} ${r.count === 1 ? 'incident' : 'incidents'}`,
    nextUpdate: r.next_update.on_time_pct === null ? 'No “next update by” promise decided yet' : `${r.next_update.kept} of ${r.next_update.kept + r.next_update.missed} “next update by” promises kept (${r.next_update.on_time_pct.toFixed(1)} % on time)`,
    milestones: milestones.map((m) => {
      const g = r.goals[m];
      const t = r.time_to[m];
      return {
        label: MILESTONE_LABELS[m],
        ...g,
        attainment: g.attainment_pct === null ? '—' : `${g.attainment_pct.toFixed(1)} %`,
        median: formatDuration(t.median_ms),
        p90: formatDuration(t.p90_ms),
        samples: t.samples,
        backdated: r.backdated[m],
      };
    }),
  }));
}

/** Console pages for the SLA policy (admins edit) and the SLA attainment report (all staff). */
export function slaConsoleRoutes(deps: AppDeps): Router {
  const r = Router();

  async function policyPage(req: Request, typed?: Record<string, unknown>) {
    const policy = await getSlaPolicy(deps.database.db);
    const cadence = await getCadencePolicy(deps.database.db);
    return {
      cadence: SEVERITIES.map((sev) => {
        const min = cadence[sev];
        const field = cadenceField(sev);
        const value = typed && typed[field] !== undefined ? String(typed[field]) : min === null ? '' : formatDurationText(min * MINUTE);
        return { severity: sev, readable: min === null ? 'No commitment' : formatDuration(min * MINUTE), none: min === null, field, value };
      }),
      title: 'SLA policy',
      canAdminister: req.actor?.role === 'admin',
      milestones: milestones.map((m) => MILESTONE_LABELS[m]),
      severities: SEVERITIES.map((sev) => ({
        severity: sev,
        goals: milestones.map((m) => {
          const ms = policy[sev][m];
          const field = fieldName(sev, m);
          const value = typed ? (typeof typed[field] === 'string' ? (typed[field] as string) : '') : ms === null ? '' : formatDurationText(ms);
          return { label: MILESTONE_LABELS[m], readable: ms === null ? 'No goal' : formatDuration(ms), none: ms === null, field, value };
        }),
      })),
    };
  }

  r.get('/sla-policy', requireConsole('read'), async (req, res) => {
    res.render('pages/sla-policy', await policyPage(req));
  });

  r.post('/sla-policy', requireConsole('administer'), async (req, res) => {
    try {
      await updateSlaPolicy(ctxOf(deps, req), policyFromForm(req.body));
      redirectDone(res, '/console/sla-policy', 'sla_policy_saved');
    } catch (err) {
      renderFormError(res, 'pages/sla-policy', err, await policyPage(req, req.body ?? {}));
    }
  });

  r.post('/sla-policy/next-update', requireConsole('administer'), async (req, res) => {
    try {
      await updateCadencePolicy(ctxOf(deps, req), cadenceFromForm(req.body));
      redirectDone(res, '/console/sla-policy', 'update_cadence_saved');
    } catch (err) {
      renderFormError(res, 'pages/sla-policy', err, await policyPage(req, req.body ?? {}));
    }
  });

  // "The defaults are right": marks the policy reviewed (the first-run checklist) without changing it.
  r.post('/sla-policy/confirm', requireConsole('administer'), async (req, res) => {
    await confirmSlaPolicy(ctxOf(deps, req));
    redirectDone(res, '/console/sla-policy', 'sla_policy_confirmed');
  });

  r.get('/reports/sla', requireConsole('read'), async (req, res) => {
    const now = deps.clock.now();
    const typed = { from: String(req.query.from ?? ''), to: String(req.query.to ?? '') };
    try {
      const range = reportRangeOf(req, now);
      const rows = await loadSlaReport(deps.database.db, range, now);
      const csvQuery = new URLSearchParams({ from: range.from.toISOString(), to: range.to.toISOString() });
      res.render('pages/sla-report', {
        title: 'SLA report',
        form: { from: dateOnly(range.from), to: lastDay(range.to) },
        range: { from: range.from.toISOString(), to: range.to.toISOString(), fromText: utcText(range.from), toText: utcText(range.to) },
        severities: reportView(rows),
        backdated: (await listBackdatedMilestones(deps.database.db, range)).map((b) => ({ ...b, label: MILESTONE_LABELS[b.milestone] })),
        csvUrl: `/console/reports/sla.csv?${csvQuery}`,
        postmortems: postmortemView(await loadPostmortemCoverage(deps.database.db, range)),
      });
    } catch (err) {
      renderFormError(res, 'pages/sla-report', err, { title: 'SLA report', form: typed });
    }
  });

  r.get('/reports/sla.csv', requireConsole('read'), async (req, res) => {
    const now = deps.clock.now();
    const range = reportRangeOf(req, now);
    const rows = await loadSlaReport(deps.database.db, range, now);
    res
      .type('text/csv')
      .attachment(`sla-report-${dateOnly(range.from)}-${lastDay(range.to)}.csv`)
      .send(slaReportCsv(rows));
  });

  return r;
}

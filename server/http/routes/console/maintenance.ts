import { Router, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { listComponents } from '../../../domain/components/listComponents.js';
import { DomainError } from '../../../domain/errors.js';
import { cancelMaintenance } from '../../../domain/maintenance/cancelMaintenance.js';
import { completeMaintenance, verifyMaintenance } from '../../../domain/maintenance/completeMaintenance.js';
import { getMaintenance, type MaintenanceDetail } from '../../../domain/maintenance/getMaintenance.js';
import { listMaintenances } from '../../../domain/maintenance/listMaintenances.js';
import { rescheduleMaintenance } from '../../../domain/maintenance/rescheduleMaintenance.js';
import { scheduleMaintenance } from '../../../domain/maintenance/scheduleMaintenance.js';
import { DEFAULT_MIN_NOTICE_MS } from '../../../domain/maintenance/windows.js';
import { getWindowSchedule, scheduleOccurrences } from '../../../domain/settings/maintenanceWindows.js';
import { twitterConfigured } from '../../../notify/twitterChannel.js';
import { requireConsole } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { redirectDone, type DoneKey } from '../../flash.js';
import { checkbox, renderFormError } from '../../forms.js';
import { inDateRange, localDateTime, parse, uuidParam } from '../../validate.js';
import { messageField, titleField } from '../api/incidentFields.js';
import { presentMaintenance } from '../api/maintenanceFields.js';

// Console pages for maintenance. Planned work is picked as "window occurrence + US Eastern wall
// times", so staff only ever see valid slots; the domain still validates whatever arrives.

const EASTERN = 'America/New_York';
/** Field names as the maintenance forms label them, for error lists. */
const FIELD_LABELS = { body: 'Public description', window: 'Window', start_time: 'Starts (Eastern)', end_time: 'Ends (Eastern)', starts_at: 'Starts', ends_at: 'Ends', components: 'Affected components' };
const LIVE = ['/socket.io/socket.io.js', '/public/js/console-live.js'];
const FORM_SCRIPTS = ['/public/js/console-live.js', '/public/js/local-datetime.js', '/public/js/maintenance-form.js'];

const et = (d: Date) => DateTime.fromJSDate(d, { zone: EASTERN }).setLocale('en-US');
const hhmm = (d: Date) => et(d).toFormat('HH:mm');
/** "Sat 5 Dec 2026, 22:00 EST → Sun 6 Dec 02:00 EST" */
export const easternSpan = (a: Date, b: Date) => `${et(a).toFormat('ccc d LLL yyyy, HH:mm ZZZZ')} → ${et(b).toFormat('ccc d LLL HH:mm ZZZZ')}`;
const slotView = (a: Date, b: Date) => ({ starts_at: a.toISOString(), ends_at: b.toISOString(), eastern: easternSpan(a, b) });

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'must be a time (HH:MM)');
const instant = (msg: string) => z.string().max(40).transform((v) => new Date(v)).refine((d) => !Number.isNaN(d.getTime()) && inDateRange(d), msg);
const idList = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : [v].flat()))
  .pipe(z.array(z.string().uuid('must be a component id')).max(100));

const plannedSlot = z.object({ window: instant('choose a maintenance window'), start_time: time, end_time: time });
const unplannedSlot = z.object({ starts_at: localDateTime.optional(), ends_at: localDateTime.refine((d) => d !== undefined, 'is required') });
const scheduleForm = z.object({
  kind: z.enum(['planned', 'unplanned']).default('planned'),
  title: titleField,
  body: messageField,
  components: idList,
  notify: z.string().optional(),
  reason: z.string().trim().max(2_000).optional(),
});
const rescheduleForm = z.object({ title: titleField, body: messageField, reason: z.string().trim().max(2_000).optional() });
const cancelForm = z.object({ reason: z.string().trim().max(2_000).optional() });

/** Occurrence date + Eastern wall times. Times before the window's start fall on the next day; so does an end ≤ start. */
export function slotFrom(windowStart: Date, start: string, end: string): { from: Date; until: Date } {
  const w = et(windowStart);
  const mins = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  const at = (t: string, addDays: number) => {
    const day = DateTime.utc(w.year, w.month, w.day).plus({ days: addDays });
    return DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: Number(t.slice(0, 2)), minute: Number(t.slice(3, 5)) }, { zone: EASTERN }).toJSDate();
  };
  const startDay = mins(start) < w.hour * 60 + w.minute ? 1 : 0;
  return { from: at(start, startDay), until: at(end, startDay + (mins(end) <= mins(start) ? 1 : 0)) };
}

/** The planned (window + times) or unplanned (instants) slot a form posted; undefined fields mean "unchanged / now". */
function slotOf(kind: 'planned' | 'unplanned', body: Record<string, unknown>, optional = false): { scheduled_for?: Date; scheduled_until?: Date } {
  if (kind === 'planned') {
    if (optional && !body.window) return {};
    const p = parse(plannedSlot, body);
    const { from, until } = slotFrom(p.window, p.start_time, p.end_time);
    return { scheduled_for: from, scheduled_until: until };
  }
  if (optional) {
    const o = parse(z.object({ starts_at: localDateTime.optional(), ends_at: localDateTime.optional() }), body);
    return { scheduled_for: o.starts_at, scheduled_until: o.ends_at };
  }
  const u = parse(unplannedSlot, body);
  return { scheduled_for: u.starts_at, scheduled_until: u.ends_at! };
}

/**
 * Suggestions a window error carries, for the form to list: each window that is long enough, with
 * the requested duration placed at its start (the slot to pick).
 */
function suggestionsFrom(err: unknown, requested?: { scheduled_for?: Date; scheduled_until?: Date }) {
  if (!(err instanceof DomainError) || err.code !== 'outside_maintenance_window') return [];
  const nearest = (err.details as { nearest?: { starts_at: string; ends_at: string }[] } | undefined)?.nearest ?? [];
  const from = requested?.scheduled_for;
  const until = requested?.scheduled_until;
  const duration = from && until ? until.getTime() - from.getTime() : null;
  return nearest.map((n) => {
    const start = new Date(n.starts_at);
    const slotEnd = duration ? new Date(start.getTime() + duration) : null;
    return { ...slotView(start, new Date(n.ends_at)), slot: slotEnd && { ...slotView(start, slotEnd), start_time: hhmm(start), end_time: hhmm(slotEnd) } };
  });
}

/**
 * Who "notify" actually reaches with this configuration. Never claims subscribers are e-mailed
 * while SMTP is not configured.
 */
export function announcement(config: AppDeps['config']) {
  const emailOn = Boolean(config.SMTP_URL);
  const via = [...(emailOn ? ['subscribers by e-mail'] : []), ...(twitterConfigured(config) ? ['Twitter'] : []), 'webhooks'];
  const list = via.length > 1 ? `${via.slice(0, -1).join(', ')} and ${via.at(-1)}` : via[0]!;
  return { emailOn, label: emailOn ? `Notify subscribers (${list})` : `Announce it (${list})`, sent: `announced to ${list}` };
}

export function maintenanceConsoleRoutes(deps: AppDeps): Router {
  const r = Router();
  const db = deps.database.db;
  const notifyText = announcement(deps.config);
  const view = (d: MaintenanceDetail) => ({ ...presentMaintenance(d), eastern: easternSpan(d.maintenance.scheduledFor, d.maintenance.scheduledUntil) });

  /** Window occurrences that can still take planned work (start ≥ 24 h from now), as select options. */
  /** The next window occurrences, plus any suggested (possibly later) ones so they can be picked without JavaScript. */
  async function windowOptions(selected?: unknown, suggested: { starts_at: string; ends_at: string }[] = []) {
    const edge = new Date(deps.clock.now().getTime() + DEFAULT_MIN_NOTICE_MS);
    const occ = scheduleOccurrences(await getWindowSchedule(db), edge, 10).filter((o) => o.startsAt >= edge).slice(0, 8);
    const spans = occ.map((o) => slotView(o.startsAt, o.endsAt));
    for (const s of suggested) if (!spans.some((x) => x.starts_at === s.starts_at)) spans.push(slotView(new Date(s.starts_at), new Date(s.ends_at)));
    spans.sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
    const options = spans.map((o) => ({ ...o, selected: o.starts_at === selected }));
    return { options, defaultStart: occ[0] ? hhmm(occ[0].startsAt) : '22:00', defaultEnd: occ[0] ? hhmm(occ[0].endsAt) : '02:00' };
  }

  r.get('/maintenance', requireConsole('read'), async (_req, res) => {
    const now = deps.clock.now();
    const active = await listMaintenances(db, { status: ['scheduled', 'in_progress', 'verifying'] });
    const recent = await listMaintenances(db, { status: ['completed', 'cancelled'], from: new Date(now.getTime() - 30 * 86_400_000) });
    res.render('pages/maintenance-list', {
      title: 'Maintenance',
      active: active.map(view),
      recent: recent.reverse().slice(0, 20).map(view),
      windows: scheduleOccurrences(await getWindowSchedule(db), now, 6).map((o) => ({ ...slotView(o.startsAt, o.endsAt), now: o.startsAt <= now })),
      scripts: LIVE,
    });
  });

  async function newPage(form: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
    const w = await windowOptions(form.window, (extra.suggestions as { starts_at: string; ends_at: string }[] | undefined) ?? []);
    const chosen = new Set([form.components ?? []].flat());
    const comps = (await listComponents(db)).filter((c) => !c.isGroup);
    return {
      title: 'Schedule maintenance',
      windows: w.options,
      form: { start_time: w.defaultStart, end_time: w.defaultEnd, ...form },
      unplanned: form.kind === 'unplanned',
      notifyChecked: Object.keys(form).length === 0 || checkbox(form.notify),
      notifyText,
      fieldLabels: FIELD_LABELS,
      components: comps.map((c) => ({ id: c.id, name: c.name, checked: chosen.has(c.id) })),
      scripts: FORM_SCRIPTS,
      ...extra,
    };
  }

  r.get('/maintenance/new', requireConsole('operate'), async (_req, res) => {
    res.render('pages/maintenance-new', await newPage());
  });

  r.post('/maintenance', requireConsole('operate'), async (req, res) => {
    let slot: ReturnType<typeof slotOf> | undefined;
    try {
      const f = parse(scheduleForm, req.body);
      slot = slotOf(f.kind, req.body);
      const m = await scheduleMaintenance(ctxOf(deps, req), {
        title: f.title,
        body: f.body,
        kind: f.kind,
        scheduled_for: slot.scheduled_for,
        scheduled_until: slot.scheduled_until!,
        components: f.components,
        notify: checkbox(f.notify),
        reason: f.kind === 'unplanned' ? f.reason : undefined,
      });
      redirectDone(res, `/console/maintenance/${m.id}`, 'maintenance_scheduled');
    } catch (err) {
      renderFormError(res, 'pages/maintenance-new', err, await newPage(req.body, { suggestions: suggestionsFrom(err, slot) }));
    }
  });

  async function detailPage(id: string, extra: Record<string, unknown> = {}) {
    const d = await getMaintenance(db, id);
    const m = view(d);
    const status = d.maintenance.status;
    const w = await windowOptions(undefined, (extra.suggestions as { starts_at: string; ends_at: string }[] | undefined) ?? []);
    return {
      title: m.name,
      m,
      planned: m.kind === 'planned',
      notifyText,
      fieldLabels: FIELD_LABELS,
      canReschedule: status === 'scheduled',
      canVerify: status === 'in_progress',
      canComplete: status === 'in_progress' || status === 'verifying',
      windows: w.options,
      form: { start_time: hhmm(d.maintenance.scheduledFor), end_time: hhmm(d.maintenance.scheduledUntil) },
      scripts: [...LIVE, '/public/js/local-datetime.js', '/public/js/maintenance-form.js'],
      ...extra,
    };
  }

  r.get('/maintenance/:id', requireConsole('read'), async (req, res) => {
    res.render('pages/maintenance', await detailPage(parse(uuidParam, req.params.id)));
  });

  // The slot a reschedule asked for, so a window error can offer slots of the same length.
  const requested = new WeakMap<Request, ReturnType<typeof slotOf>>();
  const action = (key: DoneKey, fn: (req: Request, id: string) => Promise<unknown>) => async (req: Request, res: Response) => {
    const id = parse(uuidParam, req.params.id);
    try {
      await fn(req, id);
      redirectDone(res, `/console/maintenance/${id}`, key);
    } catch (err) {
      renderFormError(res, 'pages/maintenance', err, await detailPage(id, { suggestions: suggestionsFrom(err, requested.get(req)) }));
    }
  };

  r.post('/maintenance/:id/reschedule', requireConsole('operate'), action('maintenance_changed', async (req, id) => {
    const { maintenance } = await getMaintenance(db, id);
    const f = parse(rescheduleForm, req.body);
    const reason = maintenance.kind === 'unplanned' && f.reason ? f.reason : undefined;
    const slot = slotOf(maintenance.kind, req.body, true);
    requested.set(req, slot);
    return rescheduleMaintenance(ctxOf(deps, req), id, { title: f.title, body: f.body, reason, ...slot });
  }));
  r.post('/maintenance/:id/cancel', requireConsole('operate'), action('maintenance_cancelled', (req, id) =>
    cancelMaintenance(ctxOf(deps, req), id, { reason: parse(cancelForm, req.body).reason || undefined })));
  r.post('/maintenance/:id/verifying', requireConsole('operate'), action('maintenance_verifying', (req, id) => verifyMaintenance(ctxOf(deps, req), id)));
  r.post('/maintenance/:id/complete', requireConsole('operate'), action('maintenance_completed', (req, id) => completeMaintenance(ctxOf(deps, req), id)));

  return r;
}

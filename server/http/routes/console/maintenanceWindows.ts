import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { changeMaintenanceWindows, describeRules } from '../../../domain/maintenance/changeMaintenanceWindows.js';
import { invalid } from '../../../domain/errors.js';
import type { WindowRule } from '../../../domain/maintenance/windows.js';
import { getWindowSchedule } from '../../../domain/settings/maintenanceWindows.js';
import { requireConsole } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { renderFormError } from '../../forms.js';
import { localDateTime, parse } from '../../validate.js';

const WEEKDAYS: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };
const LINE = /^(mon|tue|wed|thu|fri|sat|sun)\w*\s+(\d\d:\d\d)\s*(?:-|–|→|to)\s*(\d\d:\d\d)(?:\s+([A-Za-z_]+\/[A-Za-z_/+-]+))?$/i;

/** One window per line: "Tue 22:00-02:00 America/New_York" (zone optional, default US Eastern). */
export function parseRuleLines(text: string): WindowRule[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (!lines.length) throw invalid('validation_failed', 'rules: give at least one window', { fields: [{ field: 'rules', message: 'give at least one window' }] });
  return lines.map((l, i) => {
    const m = LINE.exec(l);
    if (!m) throw invalid('validation_failed', `rules: line ${i + 1} should look like "Sat 22:00-02:00 America/New_York"`, { fields: [{ field: 'rules', message: `line ${i + 1} is not a window` }] });
    return { weekday: WEEKDAYS[m[1]!.slice(0, 3).toLowerCase()] as WindowRule['weekday'], start: m[2]!, end: m[3]!, zone: m[4] ?? 'America/New_York' };
  });
}

const NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const asLines = (rules: WindowRule[]) => rules.map((r) => `${NAMES[r.weekday]} ${r.start}-${r.end} ${r.zone}`).join('\n');

/** Admins change the weekly maintenance windows, announced at least 24 hours ahead. */
export function maintenanceWindowConsoleRoutes(deps: AppDeps): Router {
  const r = Router();
  const page = async (req: Request, extra: Record<string, unknown> = {}) => {
    const schedule = await getWindowSchedule(deps.database.db);
    return {
      title: 'Maintenance windows',
      current: describeRules(schedule.current),
      pending: schedule.next && { rules: describeRules(schedule.next.rules), effective_at: schedule.next.effective_at },
      rulesText: asLines(schedule.next?.rules ?? schedule.current),
      earliest: new Date(deps.clock.now().getTime() + 24 * 3600_000).toISOString(),
      canChange: req.actor?.role === 'admin',
      scripts: ['/public/js/console-live.js', '/public/js/local-datetime.js'],
      ...extra,
    };
  };

  r.get('/maintenance-windows', requireConsole('read'), async (req, res) => {
    res.render('pages/maintenance-windows', await page(req));
  });

  r.post('/maintenance-windows', requireConsole('administer'), async (req, res) => {
    try {
      const form = parse(z.object({ rules: z.string().max(2000), effective_at: localDateTime.optional() }), req.body);
      const rules = parseRuleLines(form.rules);
      const { needsReview } = await changeMaintenanceWindows(ctxOf(deps, req), { rules, effective_at: form.effective_at });
      res.render('pages/maintenance-windows', await page(req, { saved: true, needsReview: needsReview.map((m) => ({ id: m.id, title: m.title, scheduled_for: m.scheduledFor.toISOString() })) }));
    } catch (err) {
      renderFormError(res, 'pages/maintenance-windows', err, await page(req, { rulesText: req.body?.rules }));
    }
  });
  return r;
}

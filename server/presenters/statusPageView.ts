import { DateTime } from 'luxon';
import type { PublicSnapshot } from '../http/snapshot/buildSnapshot.js';

export const STATUS_LABEL: Record<string, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
  no_data: 'No data',
};
// A shape per status so colour is never the only signal.
export const STATUS_ICON: Record<string, string> = {
  operational: '✔',
  degraded_performance: '▲',
  partial_outage: '◆',
  major_outage: '✖',
  under_maintenance: '⚙',
  no_data: '·',
};

export const eastern = (iso: string | null | undefined) =>
  iso ? DateTime.fromISO(iso, { zone: 'America/New_York' }).toFormat("ccc d LLL yyyy, HH:mm ZZZZ") : '';

function componentView(c: PublicSnapshot['components'][number]) {
  return { ...c, label: STATUS_LABEL[c.status], icon: STATUS_ICON[c.status] };
}

/** The 90-day bars: rendered with the page, not pushed live (only today's cell changes during a day). */
function uptimeView(c: PublicSnapshot['components'][number], s: PublicSnapshot) {
  const up = s.uptime.get(c.id);
  return {
    id: c.id,
    name: c.name,
    uptime: up && {
      pct: up.uptime_pct.toFixed(2),
      days: up.days.map((d) => ({
        ...d,
        label: STATUS_LABEL[d.level],
        tip: `${d.date}: ${STATUS_LABEL[d.level]}${d.outage_minutes.major ? `, ${d.outage_minutes.major} min major outage` : ''}${d.outage_minutes.partial ? `, ${d.outage_minutes.partial} min partial outage` : ''}${d.outage_minutes.maintenance ? `, ${d.outage_minutes.maintenance} min maintenance` : ''}${d.incidents.length ? ` — ${d.incidents.map((i) => i.name).join('; ')}` : ''}`,
      })),
    },
  };
}

/** The status page's view model: shared by the server-rendered page and the live push. */
export function statusPageView(s: PublicSnapshot) {
  const visible = s.components.filter((c) => !(c.only_show_if_degraded && c.status === 'operational'));
  const groups = visible
    .filter((c) => c.group)
    .map((g) => ({ ...componentView(g), members: visible.filter((m) => m.group_id === g.id).map((m) => componentView(m)) }))
    .filter((g) => g.members.length);
  const maintenanceView = (m: PublicSnapshot['maintenances'][number]) => ({ ...m, for_eastern: eastern(m.scheduled_for), until_eastern: eastern(m.scheduled_until) });
  return {
    status: s.status,
    groups,
    ungrouped: visible.filter((c) => !c.group && !c.group_id).map((c) => componentView(c)),
    uptimes: s.components.filter((c) => s.uptime.has(c.id)).map((c) => uptimeView(c, s)).filter((u) => u.uptime),
    incidents: s.unresolved,
    notices: s.announcements.filter((a) => a.kind === 'notice'),
    active: s.active.map(maintenanceView),
    upcoming: s.upcoming.map(maintenanceView),
    updatedAt: s.page.updated_at,
  };
}

/** Today's cell of each uptime bar, for the live push (the rest of the bars change only at midnight). */
export function uptimeToday(s: PublicSnapshot): Record<string, { level: string; tip: string }> {
  const out: Record<string, { level: string; tip: string }> = {};
  for (const c of s.components) {
    const up = uptimeView(c, s).uptime;
    const today = up?.days[up.days.length - 1];
    if (today) out[c.id] = { level: today.level, tip: today.tip };
  }
  return out;
}

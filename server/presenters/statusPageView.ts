import type { PublicSnapshot } from '../http/snapshot/buildSnapshot.js';
import { COMPONENT_STATUS_ICONS, COMPONENT_STATUS_LABELS, IMPACT_LABELS, statusLabel } from './labels.js';
import { easternTime, humanDate, humanTime, nextUpdateText } from './times.js';

// Kept under their old names for callers elsewhere; the words live in labels.ts.
export const STATUS_LABEL = COMPONENT_STATUS_LABELS;
export const STATUS_ICON = COMPONENT_STATUS_ICONS;

/** US Eastern wall-clock text for an ISO instant (maintenance windows are defined in Eastern time). */
export const eastern = (iso: string | null | undefined) => easternTime(iso);

type Snap = PublicSnapshot;
type Comp = Snap['components'][number];

function dayTip(d: NonNullable<ReturnType<Snap['uptime']['get']>>['days'][number]): string {
  const parts = [COMPONENT_STATUS_LABELS[d.level]];
  if (d.outage_minutes.major) parts.push(`${d.outage_minutes.major} min major outage`);
  if (d.outage_minutes.partial) parts.push(`${d.outage_minutes.partial} min partial outage`);
  if (d.outage_minutes.degraded) parts.push(`${d.outage_minutes.degraded} min degraded performance`);
  if (d.outage_minutes.maintenance) parts.push(`${d.outage_minutes.maintenance} min maintenance`);
  return `${humanDate(d.date)}: ${parts.join(', ')}${d.incidents.length ? ` — ${d.incidents.map((i) => i.name).join('; ')}` : ''}`;
}

/**
 * A component's uptime: the bars (visual only; their 90 tips only when `bars`, the live push leaves
 * them out), the headline figure, and the days worth reading out.
 */
function uptimeView(c: Comp, s: Snap, bars: boolean) {
  const up = s.uptime.get(c.id);
  if (!up) return null;
  return {
    pct: up.uptime_pct.toFixed(2),
    period: up.since ? `since ${humanDate(up.since)}` : 'over the last 90 days',
    days: bars ? up.days.map((d) => ({ level: d.level, tip: dayTip(d) })) : [],
    // The accessible alternative to the bars: only the days with something to tell.
    notable: up.days
      .filter((d) => d.level !== 'operational' && d.level !== 'no_data')
      .map((d) => ({ date: humanDate(d.date), label: COMPONENT_STATUS_LABELS[d.level], detail: dayTip(d).replace(/^[^:]*: /, '') })),
  };
}

function componentView(c: Comp, s: Snap, bars: boolean) {
  return { id: c.id, name: c.name, description: c.description, status: c.status, label: COMPONENT_STATUS_LABELS[c.status], icon: COMPONENT_STATUS_ICONS[c.status], uptime: uptimeView(c, s, bars), bars };
}

/** An active incident on the front page: its latest update only, with a link to the full timeline. */
function incidentView(i: Snap['unresolved'][number]) {
  const latest = i.incident_updates[0];
  return {
    id: i.id,
    name: i.name,
    impact: i.impact,
    impactLabel: IMPACT_LABELS[i.impact] ?? '',
    latest: latest && { status: statusLabel(latest.status), body: latest.body, at: latest.display_at ?? latest.created_at, when: humanTime(latest.display_at ?? latest.created_at) },
    more: i.incident_updates.length - 1,
    nextUpdate: latest && i.next_update_at ? { at: i.next_update_at, text: nextUpdateText(i.next_update_at, latest.created_at ?? i.next_update_at) } : null,
  };
}

export function maintenanceTimes(m: { scheduled_for: string | null; scheduled_until: string | null }) {
  return { for_human: humanTime(m.scheduled_for), until_human: humanTime(m.scheduled_until), for_eastern: eastern(m.scheduled_for), until_eastern: eastern(m.scheduled_until) };
}

/**
 * A notice for some components stays on the public page (the page is public) but says whom it
 * concerns: "Affects: Billing, Search". A group in its audience is named once, not with its members.
 */
function noticeView(n: Snap['announcements'][number], s: Snap) {
  const ids = new Set(s.announcementTargets[n.id] ?? []);
  const named = s.components.filter((c) => ids.has(c.id) && !(c.group_id && ids.has(c.group_id)));
  return { ...n, affects: named.length ? `Affects: ${named.map((c) => c.name).join(', ')}` : null };
}

/**
 * The status page's view model: shared by the server-rendered page and the live push. `bars`: the
 * 90-day bars are rendered with the page only; the live push leaves a slot per component and the
 * browser keeps the bars it has (only today's cell changes during a day, pushed in `today`).
 */
export function statusPageView(s: Snap, opts: { bars?: boolean } = {}) {
  const bars = opts.bars ?? true;
  const visible = s.components.filter((c) => !(c.only_show_if_degraded && c.status === 'operational'));
  const groups = visible
    .filter((c) => c.group)
    .map((g) => ({ ...componentView(g, s, bars), members: visible.filter((m) => m.group_id === g.id).map((m) => componentView(m, s, bars)) }))
    .filter((g) => g.members.length);
  const maintenanceView = (m: Snap['maintenances'][number]) => ({ ...m, statusLabel: statusLabel(m.status), ...maintenanceTimes(m) });
  return {
    status: s.status,
    groups,
    ungrouped: visible.filter((c) => !c.group && !c.group_id).map((c) => componentView(c, s, bars)),
    incidents: s.unresolved.map(incidentView),
    notices: s.announcements.filter((a) => a.kind === 'notice').map((n) => noticeView(n, s)),
    active: s.active.map(maintenanceView),
    upcoming: s.upcoming.map(maintenanceView),
    updatedAt: s.page.updated_at,
    updatedHuman: humanTime(s.page.updated_at),
  };
}

/** Today's cell of each uptime bar, for the live push (the rest of the bars change only at midnight). */
export function uptimeToday(s: Snap): Record<string, { level: string; tip: string }> {
  const out: Record<string, { level: string; tip: string }> = {};
  for (const c of s.components) {
    const today = s.uptime.get(c.id)?.days.at(-1);
    if (today) out[c.id] = { level: today.level, tip: dayTip(today) };
  }
  return out;
}

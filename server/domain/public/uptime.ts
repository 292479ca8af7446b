// Pure 90-day uptime per component from status intervals. Maintenance is shown, never downtime.
// Days before the component's start date (Statuspage's `start_date`, else its creation day) are
// "no data" and count neither way, so a new install never claims 90 days of uptime it did not see.

export interface StatusInterval {
  status: string;
  from: Date;
  to: Date; // exclusive; use `now` for the current interval
}

export interface UptimeDay {
  date: string; // YYYY-MM-DD (UTC)
  outage_minutes: { major: number; partial: number; degraded: number; maintenance: number };
  level: 'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage' | 'under_maintenance' | 'no_data';
  incidents: { id: string; name: string }[];
}

const MINUTE = 60_000;
const DAY = 86_400_000;
// As Statuspage: a partial outage counts 30 % of its time as downtime, degraded performance none.
const PARTIAL_WEIGHT = 0.3;

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

export function uptimeDays(
  intervals: StatusInterval[],
  incidents: { id: string; name: string; from: Date; to: Date }[],
  now: Date,
  days = 90,
  startDate?: string | null,
): { days: UptimeDay[]; uptime_pct: number; since: string | null } {
  const today = Math.floor(now.getTime() / DAY) * DAY;
  const start = startDate ? Date.parse(`${startDate}T00:00:00Z`) : -Infinity;
  const out: UptimeDay[] = [];
  let measured = 0;
  let down = 0;
  for (let i = days - 1; i >= 0; i--) {
    const d0 = today - i * DAY;
    const d1 = Math.min(d0 + DAY, now.getTime());
    const m = { major: 0, partial: 0, degraded: 0, maintenance: 0 };
    for (const iv of intervals) {
      const ms = overlap(iv.from.getTime(), iv.to.getTime(), d0, d1);
      if (!ms) continue;
      if (iv.status === 'major_outage') m.major += ms;
      else if (iv.status === 'partial_outage') m.partial += ms;
      else if (iv.status === 'degraded_performance') m.degraded += ms;
      else if (iv.status === 'under_maintenance') m.maintenance += ms;
    }
    const noData = d1 <= start;
    const level: UptimeDay['level'] = noData
      ? 'no_data'
      : m.major ? 'major_outage' : m.partial ? 'partial_outage' : m.degraded ? 'degraded_performance' : m.maintenance ? 'under_maintenance' : 'operational';
    if (!noData) {
      // Maintenance time is neither up nor down: it leaves the measured time.
      measured += d1 - Math.max(d0, start) - m.maintenance;
      down += m.major + PARTIAL_WEIGHT * m.partial;
    }
    out.push({
      date: new Date(d0).toISOString().slice(0, 10),
      outage_minutes: { major: Math.round(m.major / MINUTE), partial: Math.round(m.partial / MINUTE), degraded: Math.round(m.degraded / MINUTE), maintenance: Math.round(m.maintenance / MINUTE) },
      level,
      incidents: incidents.filter((x) => overlap(x.from.getTime(), x.to.getTime(), d0, d0 + DAY) > 0 || (x.from.getTime() >= d0 && x.from.getTime() < d0 + DAY)).map(({ id, name }) => ({ id, name })),
    });
  }
  const uptime_pct = measured > 0 ? Math.floor(((measured - down) / measured) * 10000) / 100 : 100;
  // The percentage covers only the days since the start date: say so when that is inside the window.
  const since = startDate && start > today - (days - 1) * DAY ? startDate : null;
  return { days: out, uptime_pct, since };
}

/**
 * Which backups to keep — a pure function of the backups' times and the clock (policy tiers):
 * every backup for 2 days, the first of each UTC day for 7 days, the first of each ISO week
 * (weeks start on Monday, UTC) for 30 days, the first of each month for 90 days; nothing older.
 * "First of" is stable under pruning: the first of a month is the first of its day, and so on.
 */
export const RETENTION = { allDays: 2, dailyDays: 7, weeklyDays: 30, monthlyDays: 90 } as const;

const DAY = 86_400_000;

export interface BackupEntry {
  name: string;
  takenAt: Date;
}

const dayKey = (d: Date) => d.toISOString().slice(0, 10);
const monthKey = (d: Date) => d.toISOString().slice(0, 7);
function weekKey(d: Date): string {
  const dow = (d.getUTCDay() + 6) % 7; // Monday = 0
  return dayKey(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - dow)));
}

export function retention(backups: BackupEntry[], now: Date): { keep: BackupEntry[]; remove: BackupEntry[] } {
  const sorted = [...backups].sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime());
  const firstOf = (key: (d: Date) => string) => {
    const seen = new Set<string>();
    const first = new Set<BackupEntry>();
    for (const b of sorted) {
      const k = key(b.takenAt);
      if (!seen.has(k)) {
        seen.add(k);
        first.add(b);
      }
    }
    return first;
  };
  const daily = firstOf(dayKey);
  const weekly = firstOf(weekKey);
  const monthly = firstOf(monthKey);
  const keep: BackupEntry[] = [];
  const remove: BackupEntry[] = [];
  for (const b of sorted) {
    const age = (now.getTime() - b.takenAt.getTime()) / DAY;
    const kept =
      age <= RETENTION.allDays ||
      (age <= RETENTION.dailyDays && daily.has(b)) ||
      (age <= RETENTION.weeklyDays && weekly.has(b)) ||
      (age <= RETENTION.monthlyDays && monthly.has(b));
    (kept ? keep : remove).push(b);
  }
  return { keep, remove };
}

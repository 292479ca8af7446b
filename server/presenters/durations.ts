const MINUTE = 60_000;

/** "1 h 20 min", "14 d", "3 d 4 h", "45 s": whole minutes (seconds only below one minute). */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < MINUTE) return `${Math.max(0, Math.round(ms / 1000))} s`;
  const total = Math.round(ms / MINUTE);
  const d = Math.floor(total / 1440);
  const h = Math.floor((total % 1440) / 60);
  const m = total % 60;
  return [d && `${d} d`, h && `${h} h`, m && `${m} min`].filter(Boolean).join(' ');
}


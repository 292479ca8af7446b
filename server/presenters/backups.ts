import type { BackupFile } from '../backup/backupFiles.js';
import { humanTime } from './times.js';

/** "512 B", "3.4 KB", "12.0 MB" */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** "just now", "14 minutes ago", "3 hours ago", "2 days ago" */
export function ageText(ms: number): string {
  const m = Math.floor(ms / 60_000);
  if (m < 1) return 'just now';
  if (m < 120) return `${m} minute${m === 1 ? '' : 's'} ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} hours ago`;
  return `${Math.floor(h / 24)} days ago`;
}

export function presentBackup(b: BackupFile, now: Date) {
  return { name: b.name, taken_at: b.takenAt.toISOString(), taken_text: humanTime(b.takenAt), age_text: ageText(now.getTime() - b.takenAt.getTime()), size: b.size, size_text: sizeText(b.size) };
}

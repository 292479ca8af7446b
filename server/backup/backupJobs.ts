import type { AppDeps } from '../deps.js';
import { listBackups, type BackupFile } from './backupFiles.js';
import { clearBackupAlert, raiseBackupAlert } from './backupAlert.js';
import { runBackup } from './runBackup.js';

/**
 * Backups taken by a running Beacon: on BACKUP_SCHEDULE and from the console's "Back up now".
 * A failure, or a newest backup older than BACKUP_MAX_AGE_MINUTES, raises one staff alert.
 */
export class BackupJobs {
  private readonly startedAt: Date;
  private running: Promise<BackupFile> | null = null;

  constructor(private readonly deps: AppDeps) {
    this.startedAt = deps.clock.now();
  }

  get enabled(): boolean {
    return Boolean(this.deps.config.BACKUP_PASSPHRASE);
  }

  /** The newest backup in BACKUP_DIR, whoever wrote it (this Beacon or `npm run backup`). */
  latest(): BackupFile | null {
    return listBackups(this.deps.config.backupDir).at(-1) ?? null;
  }

  /** One backup at a time: a second request while one runs waits for that one. */
  backupNow(): Promise<BackupFile> {
    this.running ??= this.take().finally(() => (this.running = null));
    return this.running;
  }

  private async take(): Promise<BackupFile> {
    const { config, database, clock, logger } = this.deps;
    if (!config.BACKUP_PASSPHRASE) throw new Error('BACKUP_PASSPHRASE is not set');
    const started = Date.now();
    try {
      const { file, pruned } = await runBackup(database, { dir: config.backupDir, passphrase: config.BACKUP_PASSPHRASE }, clock.now());
      logger.info({ file: file.name, bytes: file.size, ms: Date.now() - started, pruned: pruned.length }, 'backup written');
      await clearBackupAlert(database.db);
      return file;
    } catch (err) {
      logger.error({ err }, 'backup failed');
      const message = (err as Error).message ?? String(err);
      await raiseBackupAlert(database.db, 'backup.failed', { error: message.slice(0, 500) }, clock.now()).catch((e) => logger.error({ err: e }, 'could not raise the backup alert'));
      throw err;
    }
  }

  /** Raises the overdue alert once; a Beacon that just started gets BACKUP_MAX_AGE_MINUTES to take its first. */
  async checkOverdue(): Promise<boolean> {
    const { config, database, clock } = this.deps;
    if (!this.enabled) return false;
    const now = clock.now();
    const since = this.latest()?.takenAt ?? this.startedAt;
    const ageMinutes = (now.getTime() - since.getTime()) / 60_000;
    if (ageMinutes <= config.BACKUP_MAX_AGE_MINUTES) return false;
    const latest = this.latest();
    return raiseBackupAlert(database.db, 'backup.overdue', { last_backup_at: latest?.takenAt.toISOString() ?? null, max_age_minutes: config.BACKUP_MAX_AGE_MINUTES }, now);
  }
}

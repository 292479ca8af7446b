import { Router } from 'express';
import type { AppDeps } from '../../../deps.js';
import type { BackupJobs } from '../../../backup/backupJobs.js';
import { listBackups } from '../../../backup/backupFiles.js';
import { openBackupAlert } from '../../../backup/backupAlert.js';
import { DomainError, ruleBroken, unavailable } from '../../../domain/errors.js';
import { presentBackup } from '../../../presenters/backups.js';
import { requireConsole } from '../../auth.js';
import { redirectDone } from '../../flash.js';
import { renderFormError } from '../../forms.js';

/** Console: the backups in BACKUP_DIR, newest first, and "Back up now" (admins). */
export function backupConsoleRoutes(deps: AppDeps, backups: BackupJobs): Router {
  const r = Router();
  const locals = async () => {
    const now = deps.clock.now();
    const list = listBackups(deps.config.backupDir).reverse().map((b) => presentBackup(b, now));
    return { title: 'Backups', enabled: backups.enabled, schedule: deps.config.BACKUP_SCHEDULE, backups: list, latest: list[0] ?? null, alert: await openBackupAlert(deps.database.db) };
  };
  r.get('/backups', requireConsole('administer'), async (_req, res) => {
    res.render('pages/backups', await locals());
  });
  r.post('/backups', requireConsole('administer'), async (_req, res) => {
    try {
      if (!backups.enabled) throw ruleBroken('backups_disabled', 'Backups are off: set BACKUP_PASSPHRASE in Beacon\'s environment and restart it.');
      await backups.backupNow();
    } catch (err) {
      // A failed backup has already raised its staff alert; here it is shown on the page.
      const e = err instanceof DomainError ? err : unavailable('backup_failed', `The backup failed: ${(err as Error).message}`);
      return renderFormError(res, 'pages/backups', e, await locals());
    }
    redirectDone(res, '/console/backups', 'backup_taken');
  });
  return r;
}

import { and, eq, inArray, or } from 'drizzle-orm';
import type { AppDeps } from '../deps.js';
import { maintenances, oneTimeTokens, users } from '../db/schema.js';
import { sha256 } from '../domain/secrets.js';
import { RESET_EVENT, resetTokenOf, resetUrlOf } from '../domain/staff/resetLinks.js';
import type { DeliveryChannel, OutboxEvent } from './channel.js';
import { bothZones, Mailer, messageIdOf, renderEmail } from './mailer.js';

const STAFF_EVENTS = new Set(['sla.warning', 'sla.breached', 'cadence.warning', 'cadence.lapsed', 'maintenance.overrun', 'backup.failed', 'backup.overdue']);
const GOAL_WORD: Record<string, string> = { work_start: 'work start', temporary_fix: 'temporary fix', final_fix: 'final fix' };

function alertOf(event: OutboxEvent, publicUrl: string, pageName: string) {
  const p = event.payload;
  if (event.type === 'maintenance.overrun') {
    const until = bothZones(p.scheduled_until ? new Date(String(p.scheduled_until)) : null);
    return {
      subject: `[${pageName}] Maintenance overrunning: ${String(p.title)}`,
      heading: `Maintenance "${String(p.title)}" is running past its end`,
      lines: [`It was scheduled to end ${until?.utc} (${until?.eastern}).`, 'Complete it or reschedule it, and tell customers.'],
      url: `${publicUrl}/console/maintenance/${String(p.maintenance_id)}`,
    };
  }
  if (event.type === 'backup.failed' || event.type === 'backup.overdue') {
    const failed = event.type === 'backup.failed';
    const last = bothZones(p.last_backup_at ? new Date(String(p.last_backup_at)) : null);
    return {
      subject: `[${pageName}] ${failed ? 'Backup failed' : 'Backup overdue'}`,
      heading: failed ? 'A backup failed' : 'No recent backup',
      lines: failed
        ? [`The error: ${String(p.error)}`, 'Check BACKUP_DIR (space, permissions) and the logs; this alert is sent once until a backup succeeds.']
        : [last ? `The newest backup was taken ${last.utc} (${last.eastern}).` : 'There is no backup yet.', `Backups are expected at least every ${String(p.max_age_minutes)} minutes; this alert is sent once until a backup succeeds.`],
      url: `${publicUrl}/console/backups`,
    };
  }
  if (event.type.startsWith('cadence.')) {
    const lapsed = event.type === 'cadence.lapsed';
    const by = bothZones(new Date(String(p.next_update_at)));
    return {
      subject: `[${pageName}] Next update ${lapsed ? 'overdue' : 'due soon'}: sev${String(p.severity)} ${String(p.title)}`,
      heading: lapsed ? 'The promised next update is overdue' : 'The promised next update is due soon',
      lines: [`Incident: ${String(p.title)} (severity ${String(p.severity)})`, `Customers were told to expect an update by ${by?.utc} (${by?.eastern}).`, 'Post an update, even if nothing has changed.'],
      url: `${publicUrl}/console/incidents/${String(p.incident_id)}`,
    };
  }
  const breach = event.type === 'sla.breached';
  const goal = GOAL_WORD[String(p.goal)] ?? String(p.goal);
  const due = bothZones(p.due_at ? new Date(String(p.due_at)) : null);
  return {
    subject: `[${pageName}] SLA ${breach ? 'breached' : `warning (${String(p.level)}%)`}: ${goal} · sev${String(p.severity)} ${String(p.title)}`,
    heading: breach ? `The ${goal} SLA is breached` : `${String(p.level)}% of the ${goal} SLA has elapsed`,
    lines: [`Incident: ${String(p.title)} (severity ${String(p.severity)})`, `Due ${due?.utc} (${due?.eastern}).`],
    url: `${publicUrl}/console/incidents/${String(p.incident_id)}`,
  };
}

/** Staff alerts by e-mail: SLA warnings and breaches, next-update warnings, maintenance overruns, backup failures → active admins + the owner. */
export function staffEmailChannel(deps: AppDeps, mailer = Mailer.fromConfig(deps.config)): DeliveryChannel {
  const { publicUrl, PAGE_NAME: pageName } = deps.config;
  return {
    name: 'staff_email',
    concurrency: mailer.poolSize,
    enabled: () => mailer.configured,
    close: () => mailer.close(),

    async plan(event, tx) {
      if (event.type === RESET_EVENT) return [{ target: String(event.payload.user_id) }];
      if (!STAFF_EVENTS.has(event.type)) return [];
      let ownerId: string | null = null;
      if (event.type === 'maintenance.overrun') {
        const [m] = await tx.select({ createdBy: maintenances.createdBy }).from(maintenances).where(eq(maintenances.id, String(event.payload.maintenance_id)));
        ownerId = m?.createdBy ?? null;
      } else ownerId = typeof event.payload.owner_id === 'string' ? event.payload.owner_id : null;
      const who = ownerId ? or(eq(users.role, 'admin'), inArray(users.id, [ownerId])) : eq(users.role, 'admin');
      const rows = await tx.select({ id: users.id }).from(users).where(and(eq(users.active, true), who));
      return rows.map((r) => ({ target: r.id }));
    },

    async send(delivery, event, { db, now, signal }) {
      const [user] = await db.select().from(users).where(eq(users.id, delivery.target));
      if (!user || !user.active) return { ok: true, externalId: 'skipped:inactive' };
      if (event.type === RESET_EVENT) {
        // The link is rebuilt from the nonce; one already used or replaced by a newer one is not sent.
        const token = resetTokenOf(deps.sessionSecret, String(event.payload.nonce));
        const [link] = await db.select().from(oneTimeTokens).where(eq(oneTimeTokens.tokenHash, sha256(token)));
        if (!link || link.usedAt || link.expiresAt <= now) return { ok: true, externalId: 'skipped:link_retired' };
        const data = { pageName, name: user.name, url: resetUrlOf(publicUrl, token) };
        const subject = `[${pageName}] Reset your password`;
        return mailer.send({ to: user.email, subject, messageId: messageIdOf(delivery.idempotencyKey), html: renderEmail('password-reset', 'html', data), text: renderEmail('password-reset', 'text', data) });
      }
      const data = { pageName, name: user.name, ...alertOf(event, publicUrl, pageName) };
      return mailer.send({ to: user.email, subject: data.subject, messageId: messageIdOf(delivery.idempotencyKey), html: renderEmail('staff-alert', 'html', data), text: renderEmail('staff-alert', 'text', data) }, signal);
    },
  };
}

import { and, eq, gte } from 'drizzle-orm';
import { maintenances, notices, settings } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { ruleBroken } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';
import { getWindowSchedule, WINDOWS_KEY, type WindowSchedule } from '../settings/maintenanceWindows.js';
import { occurrenceContaining, validateRules, type WindowRule } from './windows.js';

const DAYS = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** "Wednesday 21:00 to 23:00 (America/New_York)" for announcements. */
export function describeRules(rules: WindowRule[]): string {
  return rules.map((r) => `${DAYS[r.weekday]} ${r.start} to ${r.end} (${r.zone})`).join('; ');
}

export const WINDOW_CHANGE_NOTICE_MS = 24 * 3600_000;

/**
 * Admins change the weekly windows. The change is announced at once (status page notice and
 * Twitter through the outbox) and takes effect no sooner than 24 h later. Planned maintenance
 * already scheduled after that instant that no longer fits is returned for review.
 */
export async function changeMaintenanceWindows(ctx: Ctx, input: { rules: WindowRule[]; effective_at?: Date }) {
  assertCan(ctx.actor!.role, 'administer');
  const errors = validateRules(input.rules);
  if (errors.length) throw ruleBroken('invalid_window_rules', errors[0]!, { errors });
  const earliest = new Date(ctx.now.getTime() + WINDOW_CHANGE_NOTICE_MS);
  const effectiveAt = input.effective_at ?? earliest;
  if (effectiveAt < earliest) {
    throw ruleBroken('insufficient_notice', 'A window change must be announced at least 24 hours before it takes effect', {
      earliest_allowed_start: earliest.toISOString(),
    });
  }
  return inTransaction(ctx, async (t) => {
    const before = await getWindowSchedule(t.tx);
    // A pending change that has already taken effect becomes the current rules.
    const current = before.next && Date.parse(before.next.effective_at) <= t.now.getTime() ? before.next.rules : before.current;
    const after: WindowSchedule = { current, next: { rules: input.rules, effective_at: effectiveAt.toISOString() } };
    await t.tx
      .insert(settings)
      .values({ key: WINDOWS_KEY, value: after, updatedAt: t.now })
      .onConflictDoUpdate({ target: settings.key, set: { value: after, updatedAt: t.now } });
    const affected = await t.tx
      .select()
      .from(maintenances)
      .where(and(eq(maintenances.status, 'scheduled'), eq(maintenances.kind, 'planned'), gte(maintenances.scheduledFor, effectiveAt)));
    const needsReview = affected.filter((m) => !occurrenceContaining(input.rules, m.scheduledFor, m.scheduledUntil));
    await recordAudit(t, { action: 'maintenance_windows.change', subjectType: 'setting', subjectId: WINDOWS_KEY, before, after });
    // Announced at once on the status page (a notice until a week after it applies) and, through
    // the outbox, on Twitter and webhooks — as the seed says, before the change takes effect.
    const summary = `Planned maintenance will happen ${describeRules(input.rules)} from ${effectiveAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`;
    const [notice] = await t.tx
      .insert(notices)
      .values({ title: 'Our maintenance windows are changing', body: summary, level: 'info', publishAt: t.now, expireAt: new Date(effectiveAt.getTime() + 7 * 24 * 3600_000), dismissible: true, createdBy: t.actor?.id ?? null, createdAt: t.now, updatedAt: t.now })
      .returning();
    await recordEvent(t, 'notice.changed', { notice_id: notice!.id });
    await recordEvent(t, 'maintenance_windows.changed', { rules: input.rules, effective_at: effectiveAt.toISOString(), summary, needs_review: needsReview.map((m) => m.id) });
    return { schedule: after, needsReview };
  });
}

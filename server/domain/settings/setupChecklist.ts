import { and, count, eq, isNotNull } from 'drizzle-orm';
import { components, settings, users } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { recordAudit } from '../audit.js';
import type { TxCtx } from '../context.js';

// The dashboard's first-run checklist: what a new install still lacks. Facts come from rows and
// from which channels are configured (the caller knows the config; the domain does not).

export const SLA_REVIEWED_KEY = 'sla_policy_reviewed';
export const CHECKLIST_DISMISSED_KEY = 'setup_checklist_dismissed';

export type ChecklistKey = 'email' | 'twitter' | 'components' | 'second_admin' | 'sla_policy';

export interface ChecklistFacts {
  emailOn: boolean;
  twitterOn: boolean;
  componentCount: number;
  activeAdmins: number;
  slaReviewed: boolean;
}

export interface ChecklistItem {
  key: ChecklistKey;
  done: boolean;
}

/** Pure: each item and whether it is done, in the order a new admin would tackle them. */
export function checklistItems(f: ChecklistFacts): ChecklistItem[] {
  return [
    { key: 'components', done: f.componentCount > 0 },
    { key: 'sla_policy', done: f.slaReviewed },
    { key: 'second_admin', done: f.activeAdmins >= 2 },
    { key: 'email', done: f.emailOn },
    { key: 'twitter', done: f.twitterOn },
  ];
}

export interface SetupChecklist {
  items: ChecklistItem[];
  dismissed: boolean;
  /** Shown while something is left to do and nobody dismissed it. */
  show: boolean;
}

async function flag(db: Executor, key: string): Promise<boolean> {
  const [row] = await db.select({ key: settings.key }).from(settings).where(eq(settings.key, key));
  return Boolean(row);
}

export async function loadSetupChecklist(db: Executor, channels: { emailOn: boolean; twitterOn: boolean }): Promise<SetupChecklist> {
  const [c] = await db.select({ n: count() }).from(components).where(eq(components.isGroup, false));
  const [a] = await db.select({ n: count() }).from(users).where(and(eq(users.role, 'admin'), eq(users.active, true), isNotNull(users.passwordHash))); // invited admins count once they set a password
  const items = checklistItems({
    ...channels,
    componentCount: Number(c?.n ?? 0),
    activeAdmins: Number(a?.n ?? 0),
    slaReviewed: await flag(db, SLA_REVIEWED_KEY),
  });
  const dismissed = await flag(db, CHECKLIST_DISMISSED_KEY);
  return { items, dismissed, show: !dismissed && items.some((i) => !i.done) };
}

/** Sets a one-time flag (who and when) inside the caller's transaction, with an audit entry. */
export async function setFlag(t: TxCtx, key: string, action: string): Promise<void> {
  const value = { at: t.now.toISOString(), by: t.actor?.email ?? null };
  const had = await flag(t.tx, key);
  await t.tx.insert(settings).values({ key, value, updatedAt: t.now }).onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: t.now } });
  if (!had) await recordAudit(t, { action, subjectType: 'setting', subjectId: key, before: null, after: value });
}

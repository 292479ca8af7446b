import { eq } from 'drizzle-orm';
import { settings } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import type { TxCtx } from '../context.js';

/** An admin on/off policy kept in `settings` (two-factor required, SSO enforced): saved and audited as before → after. */
export async function saveSwitchSetting(t: TxCtx, key: string, field: string, value: boolean): Promise<void> {
  const [row] = await t.tx.select().from(settings).where(eq(settings.key, key));
  const before = row?.value === true;
  await t.tx
    .insert(settings)
    .values({ key, value, updatedAt: t.now })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: t.now } });
  await recordAudit(t, { action: `settings.${key}`, subjectType: 'setting', subjectId: null, before: { [field]: before }, after: { [field]: value } });
}

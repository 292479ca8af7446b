import { settings } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { assertCan } from '../roles.js';
import { POLICY_KEY, twoFactorRequired } from './factorState.js';

/** Admin policy: when on, people without a factor must enrol at their next sign-in before anything else. */
export async function setTwoFactorPolicy(ctx: Ctx, required: boolean): Promise<void> {
  assertCan(ctx.actor!.role, 'administer');
  await inTransaction(ctx, async (t) => {
    const before = await twoFactorRequired(t.tx);
    await t.tx
      .insert(settings)
      .values({ key: POLICY_KEY, value: required, updatedAt: t.now })
      .onConflictDoUpdate({ target: settings.key, set: { value: required, updatedAt: t.now } });
    await recordAudit(t, { action: 'settings.two_factor_required', subjectType: 'setting', subjectId: null, before: { required: before }, after: { required } });
  });
}

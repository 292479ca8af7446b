import { eq } from 'drizzle-orm';
import { settings } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { ruleBroken } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';
import { DEFAULT_SLA_POLICY, validatePolicy, type SlaPolicy } from '../incidents/sla.js';
import { SLA_REVIEWED_KEY, setFlag } from './setupChecklist.js';

const KEY = 'sla_policy';

export async function getSlaPolicy(db: Executor): Promise<SlaPolicy> {
  const [row] = await db.select().from(settings).where(eq(settings.key, KEY));
  return (row?.value as SlaPolicy | undefined) ?? DEFAULT_SLA_POLICY;
}

/** Admins edit the policy. It applies to open incidents at once; closed ones keep their frozen goals. */
export async function updateSlaPolicy(ctx: Ctx, policy: SlaPolicy): Promise<SlaPolicy> {
  assertCan(ctx.actor!.role, 'administer');
  const errors = validatePolicy(policy);
  if (errors.length) throw ruleBroken('invalid_sla_policy', errors[0]!, { errors });
  return inTransaction(ctx, async (t) => {
    const before = await getSlaPolicy(t.tx);
    await t.tx
      .insert(settings)
      .values({ key: KEY, value: policy, updatedAt: t.now })
      .onConflictDoUpdate({ target: settings.key, set: { value: policy, updatedAt: t.now } });
    await recordAudit(t, { action: 'sla_policy.update', subjectType: 'setting', subjectId: KEY, before, after: policy });
    await setFlag(t, SLA_REVIEWED_KEY, 'sla_policy.review'); // saving the policy is reviewing it
    await recordEvent(t, 'sla_policy.changed', {});
    return policy;
  });
}

import { eq } from 'drizzle-orm';
import { settings } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { ruleBroken } from '../errors.js';
import { assertCan } from '../roles.js';
import { DEFAULT_CADENCE_POLICY, validateCadencePolicy, type CadencePolicy } from '../incidents/cadence.js';

const KEY = 'update_cadence';

export async function getCadencePolicy(db: Executor): Promise<CadencePolicy> {
  const [row] = await db.select().from(settings).where(eq(settings.key, KEY));
  return (row?.value as CadencePolicy | undefined) ?? DEFAULT_CADENCE_POLICY;
}

/** Admins set the default "next update by" interval per severity; it applies to updates posted from now on. */
export async function updateCadencePolicy(ctx: Ctx, policy: CadencePolicy): Promise<CadencePolicy> {
  assertCan(ctx.actor!.role, 'administer');
  const errors = validateCadencePolicy(policy);
  if (errors.length) throw ruleBroken('invalid_update_cadence', errors[0]!, { errors });
  return inTransaction(ctx, async (t) => {
    const before = await getCadencePolicy(t.tx);
    await t.tx
      .insert(settings)
      .values({ key: KEY, value: policy, updatedAt: t.now })
      .onConflictDoUpdate({ target: settings.key, set: { value: policy, updatedAt: t.now } });
    await recordAudit(t, { action: 'update_cadence.update', subjectType: 'setting', subjectId: KEY, before, after: policy });
    return policy;
  });
}

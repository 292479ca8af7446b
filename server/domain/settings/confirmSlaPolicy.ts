import { inTransaction, type Ctx } from '../context.js';
import { assertCan } from '../roles.js';
import { SLA_REVIEWED_KEY, setFlag } from './setupChecklist.js';

/** An admin confirms the SLA policy as it stands (the defaults may be right); saving it counts too. */
export async function confirmSlaPolicy(ctx: Ctx): Promise<void> {
  assertCan(ctx.actor!.role, 'administer');
  await inTransaction(ctx, (t) => setFlag(t, SLA_REVIEWED_KEY, 'sla_policy.review'));
}

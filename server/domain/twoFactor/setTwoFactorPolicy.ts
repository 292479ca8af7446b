import { inTransaction, type Ctx } from '../context.js';
import { assertCan } from '../roles.js';
import { saveSwitchSetting } from '../settings/switchSetting.js';
import { POLICY_KEY } from './factorState.js';

/** Admin policy: when on, people without a factor must enrol at their next sign-in before anything else. */
export async function setTwoFactorPolicy(ctx: Ctx, required: boolean): Promise<void> {
  assertCan(ctx.actor!.role, 'administer');
  await inTransaction(ctx, (t) => saveSwitchSetting(t, POLICY_KEY, 'required', required));
}

import { inTransaction, type Ctx } from '../context.js';
import { assertCan } from '../roles.js';
import { CHECKLIST_DISMISSED_KEY, setFlag } from './setupChecklist.js';

/** An admin hides the first-run checklist for everyone; the dashboard then shows only the live overview. */
export async function dismissSetupChecklist(ctx: Ctx): Promise<void> {
  assertCan(ctx.actor!.role, 'administer');
  await inTransaction(ctx, (t) => setFlag(t, CHECKLIST_DISMISSED_KEY, 'setup_checklist.dismiss'));
}

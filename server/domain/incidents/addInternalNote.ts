import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';
import { lockIncident, timeline } from './shared.js';

/** Staff-only note on the timeline; never part of a public surface. */
export async function addInternalNote(ctx: Ctx, id: string, input: { body: string }) {
  assertCan(ctx.actor!.role, 'operate');
  return inTransaction(ctx, async (t) => {
    await lockIncident(t, id);
    await timeline(t, id, 'note', { body: input.body });
    await recordAudit(t, { action: 'incident.note', subjectType: 'incident', subjectId: id, after: { body: input.body } });
    await recordEvent(t, 'incident.noted', { incident_id: id });
  });
}

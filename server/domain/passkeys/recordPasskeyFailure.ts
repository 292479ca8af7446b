import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { invalid } from '../errors.js';

export type PasskeyStep = 'enrol' | 'second_factor' | 'sign_in';

/**
 * A passkey attempt refused before any account's lock-out applies (a malformed response, an unknown
 * credential, a failed enrolment): audited on its own, since the caller goes on to refuse.
 */
export async function recordPasskeyFailure(ctx: Ctx, f: { userId: string | null; step: PasskeyStep; reason: string }): Promise<void> {
  await inTransaction(ctx, (t) => recordAudit(t, { action: 'passkey.failed', subjectType: 'user', subjectId: f.userId, after: { step: f.step, reason: f.reason } }));
}

/** A response the browser's script would never send: 400, nothing spent or changed, and audited. */
export async function refuseMalformed(ctx: Ctx, userId: string | null, step: PasskeyStep) {
  await recordPasskeyFailure(ctx, { userId, step, reason: 'malformed' });
  return invalid('passkey_malformed', 'The passkey response could not be read. Reload the page and try again.', { fields: [{ field: 'response', message: 'is not a passkey response' }] });
}

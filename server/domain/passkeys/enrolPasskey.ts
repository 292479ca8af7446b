import { eq } from 'drizzle-orm';
import { passkeys } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { invalid } from '../errors.js';
import { challengeOf, parseRegistration } from './credentialJson.js';
import { spendChallenge } from './challenges.js';
import { recordPasskeyFailure, refuseMalformed } from './recordPasskeyFailure.js';
import type { RelyingParty } from './relyingParty.js';
import { webauthn } from './webauthn.js';

/**
 * Adds a passkey the browser just created, under the name its owner gave it. The response must sign
 * the person's live enrolment challenge (spent whatever the outcome) from our origin and RP ID.
 */
export async function enrolPasskey(ctx: Ctx, rp: RelyingParty, input: { name: string; response: string }): Promise<{ id: string }> {
  const actor = ctx.actor!;
  const response = parseRegistration(input.response);
  if (!response) throw await refuseMalformed(ctx, actor.id, 'enrol');
  const outcome = await inTransaction(ctx, async (t): Promise<{ id: string } | { reason: string }> => {
    const challenge = challengeOf(response);
    if (!(await spendChallenge(t.tx, t.now, challenge, 'enrol', actor.id))) return { reason: 'unknown_challenge' };
    let info;
    try {
      const verified = await (await webauthn()).verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false });
      if (!verified.verified) return { reason: 'not_verified' };
      info = verified.registrationInfo;
    } catch (err) {
      return { reason: (err as Error).message.slice(0, 300) };
    }
    const { credential } = info;
    const [taken] = await t.tx.select({ id: passkeys.id }).from(passkeys).where(eq(passkeys.credentialId, credential.id));
    if (taken) return { reason: 'already_registered' };
    const [row] = await t.tx
      .insert(passkeys)
      .values({ userId: actor.id, credentialId: credential.id, publicKey: Buffer.from(credential.publicKey).toString('base64url'), counter: credential.counter, transports: credential.transports ?? [], name: input.name, createdAt: t.now })
      .returning({ id: passkeys.id });
    await recordAudit(t, { action: 'passkey.enrolled', subjectType: 'user', subjectId: actor.id, after: { passkey_id: row!.id, name: input.name } });
    return { id: row!.id };
  });
  if ('id' in outcome) return { id: outcome.id };
  await recordPasskeyFailure(ctx, { userId: actor.id, step: 'enrol', reason: outcome.reason });
  throw invalid(
    'passkey_rejected',
    outcome.reason === 'already_registered' ? 'That passkey is already registered.' : 'The passkey could not be added: the request expired or did not come from this site. Try again.',
    { reason: outcome.reason },
  );
}

import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { DomainError, type ErrorKind } from '../errors.js';
import type { ExternalIdentity } from './signInWithIdentityProvider.js';

/** Why an answer from an identity provider was not accepted, before it named anyone. */
export type ResponseRefusal = 'state_invalid' | 'response_malformed' | 'code_rejected' | 'token_invalid' | 'idp_declined' | 'idp_unreachable';

const START_AGAIN = 'Start again from the sign-in page.';
const REFUSALS: Record<ResponseRefusal, [ErrorKind, string]> = {
  state_invalid: ['invalid', `This sign-in has expired, was already used, or did not start in this browser. ${START_AGAIN}`],
  response_malformed: ['invalid', `The answer from the identity provider is incomplete. ${START_AGAIN}`],
  code_rejected: ['invalid', `The identity provider did not accept this sign-in code: it has expired or was already used. ${START_AGAIN}`],
  token_invalid: ['unauthenticated', `The identity provider's answer could not be verified, so Beacon did not sign you in. ${START_AGAIN}`],
  idp_declined: ['unauthenticated', `The identity provider did not sign you in. ${START_AGAIN}`],
  idp_unreachable: ['unavailable', 'Single sign-on is not available right now: the identity provider cannot be reached. Try again in a moment.'],
};

/**
 * A tampered, replayed, expired or unverifiable answer from an identity provider: nothing changes,
 * the attempt is audited (no address, since nothing verified one), and the person sees a plain 4xx
 * (503 when the provider is down).
 */
export async function refuseIdentityResponse(ctx: Ctx, provider: ExternalIdentity['provider'], reason: ResponseRefusal, detail?: string): Promise<never> {
  await inTransaction({ ...ctx, actor: null }, (t) =>
    recordAudit(t, { action: 'sso.refused', subjectType: 'user', subjectId: null, after: { provider, reason, ...(detail ? { detail: detail.slice(0, 200) } : {}) } }),
  );
  const [kind, message] = REFUSALS[reason];
  throw new DomainError(kind, `sso_${reason}`, message);
}

import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { DomainError, type ErrorKind } from '../errors.js';

/** Why an identity provider's answer was turned away before anyone was looked up (audited as is). */
export interface SsoRefusal {
  provider: 'oidc' | 'saml';
  /** A fixed word such as `expired`, `replayed`, `wrong_audience`; never the message's content. */
  reason: string;
  kind: Extract<ErrorKind, 'invalid' | 'unauthenticated' | 'too_large'>;
  message: string;
}

/**
 * Audits a refused answer from an identity provider (`sso.refused`, with the reason and nothing the
 * message carried) and returns the error to show. Nothing else changes.
 */
export async function refuseSignIn(ctx: Ctx, refusal: SsoRefusal): Promise<DomainError> {
  await inTransaction(ctx, (t) =>
    recordAudit(t, { action: 'sso.refused', subjectType: 'user', subjectId: null, after: { provider: refusal.provider, reason: refusal.reason } }),
  );
  return new DomainError(refusal.kind, refusal.kind === 'unauthenticated' ? 'sso_refused' : `sso_${refusal.reason}`, refusal.message);
}

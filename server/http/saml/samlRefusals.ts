import { SamlStatusError } from '@node-saml/node-saml';
import type { SsoRefusal } from '../../domain/sso/refuseSignIn.js';

const START_AGAIN = 'Start again with the single sign-on button.';
const MISDIRECTED = 'The sign-in response from your identity provider was meant for another service. An admin should check the identity provider’s settings for Beacon.';

/** What a person is told for each way a SAML response is turned away: plain words, nothing from the message. */
const REFUSALS = {
  malformed: ['invalid', 'The sign-in response from your identity provider could not be read. ' + START_AGAIN],
  oversized: ['too_large', 'The sign-in response from your identity provider is too large for Beacon (over 256 KB). An admin can have the identity provider send fewer attributes.'],
  unsigned: ['unauthenticated', 'The sign-in response from your identity provider is not signed, so Beacon cannot trust it.'],
  invalid_signature: ['unauthenticated', 'The sign-in response is not signed with your identity provider’s key, so Beacon cannot trust it.'],
  wrong_audience: ['unauthenticated', MISDIRECTED],
  wrong_recipient: ['unauthenticated', MISDIRECTED],
  wrong_destination: ['unauthenticated', MISDIRECTED],
  wrong_issuer: ['unauthenticated', 'The sign-in response came from an identity provider Beacon does not use.'],
  expired: ['unauthenticated', 'The sign-in response has expired (or the clocks of Beacon and your identity provider disagree). ' + START_AGAIN],
  replayed: ['unauthenticated', 'This sign-in response has already been used. ' + START_AGAIN],
  other_browser: ['unauthenticated', 'This sign-in response answers a sign-in started in another browser (or your browser did not keep Beacon’s sign-in cookie). ' + START_AGAIN],
  unknown_request: ['unauthenticated', 'This sign-in response does not answer a sign-in started here, or it came too late. ' + START_AGAIN],
  idp_error: ['unauthenticated', 'Your identity provider did not sign you in. ' + START_AGAIN],
  email_missing: ['unauthenticated', 'Your identity provider did not send an e-mail address, so Beacon cannot tell who you are. An admin should check the attributes it sends.'],
  invalid_response: ['unauthenticated', 'The sign-in response from your identity provider was not accepted. ' + START_AGAIN],
} as const satisfies Record<string, [SsoRefusal['kind'], string]>;

export type SamlRefusalReason = keyof typeof REFUSALS;

/** A SAML response turned away before anyone is looked up; the route audits it and shows the message. */
export class SamlRefused extends Error {
  constructor(readonly reason: SamlRefusalReason) {
    super(reason);
  }

  get refusal(): SsoRefusal {
    const [kind, message] = REFUSALS[this.reason];
    return { provider: 'saml', reason: this.reason, kind, message };
  }
}

/**
 * node-saml reports failures as plain Errors; their texts are matched here, in one place, to a reason.
 * Anything unrecognised is still a refusal (`invalid_response`), never a pass.
 */
export function reasonOfLibraryError(err: Error): SamlRefusalReason {
  const m = err.message;
  if (err instanceof SamlStatusError) return 'idp_error';
  if (/InResponseTo/i.test(m)) return 'unknown_request';
  if (/signature/i.test(m)) return 'invalid_signature';
  if (/expired|not yet valid|too old|No valid subject confirmation/i.test(m)) return 'expired';
  if (/audience/i.test(m)) return 'wrong_audience';
  if (/not a valid XML|parsing|Missing SAML assertion|Unknown SAML response/i.test(m)) return 'malformed';
  return 'invalid_response';
}

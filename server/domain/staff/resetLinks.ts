import crypto from 'node:crypto';

export const RESET_TTL_MS = 3600_000;
/** At most this many reset e-mails per person per hour; more requests are answered alike and send nothing. */
export const RESETS_PER_HOUR = 3;
export const RESET_EVENT = 'staff.password_reset_requested';

/**
 * The secret of an e-mailed reset link, derived from a random nonce and the session secret. The
 * outbox carries only the nonce, so the link itself is never stored anywhere in clear.
 */
export function resetTokenOf(secret: string, nonce: string): string {
  return crypto.createHmac('sha256', secret).update(`password_reset:${nonce}`).digest('base64url');
}

export function resetUrlOf(publicUrl: string, token: string): string {
  return `${publicUrl}/console/set-password?token=${encodeURIComponent(token)}`;
}

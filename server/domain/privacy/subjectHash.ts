import crypto from 'node:crypto';

/**
 * The keyed hash that stands for a deleted person: HMAC-SHA256 of the lower-cased address with the
 * session secret. Without the secret it cannot be reversed or matched against a list of addresses.
 */
export function emailHash(secret: string, email: string): string {
  return crypto.createHmac('sha256', secret).update(`email:${email.trim().toLowerCase()}`).digest('hex');
}

import crypto from 'node:crypto';

// Subscriber links are signed, not stored: HMAC-SHA256 of the subscriber id with the session
// secret (with a purpose prefix so the signature is useless anywhere else the secret is used).
export function signSubscriber(secret: string, subscriberId: string): string {
  return crypto.createHmac('sha256', secret).update(`subscriber:${subscriberId}`).digest('base64url');
}

export function verifySubscriber(secret: string, subscriberId: string, sig: string): boolean {
  const expected = Buffer.from(signSubscriber(secret, subscriberId));
  const given = Buffer.from(String(sig));
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

export interface SubscriberLinks {
  confirm: string;
  manage: string;
  unsubscribe: string;
}

/** Absolute confirm / manage / one-click unsubscribe links for one subscriber. */
export function subscriberLinks(publicUrl: string, secret: string, subscriberId: string): SubscriberLinks {
  const q = `s=${encodeURIComponent(subscriberId)}&sig=${signSubscriber(secret, subscriberId)}`;
  return {
    confirm: `${publicUrl}/subscribe/confirm?${q}`,
    manage: `${publicUrl}/subscribe/manage?${q}`,
    unsubscribe: `${publicUrl}/subscribe/unsubscribe?${q}`,
  };
}

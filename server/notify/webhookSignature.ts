import crypto from 'node:crypto';

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the X-Beacon-Signature header value. */
export function signWebhook(secret: string, timestamp: number | string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface VerifyOptions {
  /** With `now`, timestamps further than `toleranceSeconds` from it are refused (replays). */
  now?: Date;
  toleranceSeconds?: number;
}

/**
 * Receiver side: recomputes the signature and compares in constant time. False for a missing or
 * malformed header, a tampered body or timestamp, the wrong secret, or (with `now`) a stale timestamp.
 */
export function verifyWebhook(secret: string, timestamp: number | string | undefined, body: string, signature: string | undefined, opts: VerifyOptions = {}): boolean {
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(String(timestamp))) return false;
  if (opts.now) {
    const skew = Math.abs(opts.now.getTime() / 1000 - Number(timestamp));
    if (skew > (opts.toleranceSeconds ?? 300)) return false;
  }
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const actual = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; compare against itself to spend the same time anyway.
  if (actual.length !== expected.length) {
    crypto.timingSafeEqual(expected, expected);
    return false;
  }
  return crypto.timingSafeEqual(actual, expected);
}

import crypto from 'node:crypto';
import { expect } from 'chai';
import { signWebhook, verifyWebhook } from '../../server/notify/webhookSignature.js';

describe('webhook signatures', () => {
  const secret = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA';
  const body = JSON.stringify({ id: '1:webhook:abc', type: 'incident.created', data: { incident: { name: 'Down' } } });
  const ts = 1796040000;

  it('signs sha256=<hex HMAC of "timestamp.body">', () => {
    const expected = crypto.createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
    expect(signWebhook(secret, ts, body)).to.equal(`sha256=${expected}`);
    expect(signWebhook(secret, String(ts), body)).to.equal(signWebhook(secret, ts, body));
  });

  it('verifies its own signature', () => {
    expect(verifyWebhook(secret, String(ts), body, signWebhook(secret, ts, body))).to.equal(true);
  });

  it('fails for a tampered body, a changed timestamp or the wrong secret', () => {
    const sig = signWebhook(secret, ts, body);
    expect(verifyWebhook(secret, ts, body.replace('Down', 'Up'), sig)).to.equal(false);
    expect(verifyWebhook(secret, ts + 1, body, sig)).to.equal(false);
    expect(verifyWebhook('another-secret', ts, body, sig)).to.equal(false);
  });

  it('fails for missing, malformed or truncated signatures without throwing', () => {
    const sig = signWebhook(secret, ts, body);
    expect(verifyWebhook(secret, ts, body, undefined)).to.equal(false);
    expect(verifyWebhook(secret, undefined, body, sig)).to.equal(false);
    expect(verifyWebhook(secret, 'yesterday', body, sig)).to.equal(false);
    expect(verifyWebhook(secret, ts, body, sig.slice(0, -2))).to.equal(false);
    expect(verifyWebhook(secret, ts, body, sig.replace('sha256=', 'sha1='))).to.equal(false);
    expect(verifyWebhook(secret, ts, body, '')).to.equal(false);
  });

  it('refuses stale timestamps when given the current time', () => {
    const sig = signWebhook(secret, ts, body);
    expect(verifyWebhook(secret, ts, body, sig, { now: new Date((ts + 60) * 1000) })).to.equal(true);
    expect(verifyWebhook(secret, ts, body, sig, { now: new Date((ts + 301) * 1000) })).to.equal(false);
    expect(verifyWebhook(secret, ts, body, sig, { now: new Date((ts + 1000) * 1000), toleranceSeconds: 3600 })).to.equal(true);
  });

  it('compares in constant time (crypto.timingSafeEqual), also for wrong lengths', () => {
    const calls: number[] = [];
    const original = crypto.timingSafeEqual;
    const spy = ((a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      calls.push(a.byteLength);
      return original(a, b);
    }) as typeof crypto.timingSafeEqual;
    (crypto as { timingSafeEqual: typeof crypto.timingSafeEqual }).timingSafeEqual = spy;
    try {
      const sig = signWebhook(secret, ts, body);
      verifyWebhook(secret, ts, body, sig);
      verifyWebhook(secret, ts, body, 'sha256=00');
      verifyWebhook(secret, ts, body, sig.replace(/.$/, (c) => (c === '0' ? '1' : '0')));
    } finally {
      (crypto as { timingSafeEqual: typeof crypto.timingSafeEqual }).timingSafeEqual = original;
    }
    expect(calls).to.have.length(3);
  });
});

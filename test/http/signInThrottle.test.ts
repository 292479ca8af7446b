import { expect } from 'chai';
import { Client } from '../support/client.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z';
const ATTACKER = '203.0.113.66';
const OWNER = '198.51.100.10';

/** Sign-in throttling that cannot be turned against staff (issue 10 §4). Client addresses come from X-Forwarded-For under TRUST_PROXY. */
describe('sign-in throttling per (account, client address) and per client address', () => {
  let s: TestServer;
  const anon = () => new Client(s.baseUrl);
  const signIn = (from: string, email: string, password: string) => anon().post('/api/v1/tokens', { email, password, name: 'x' }, { 'x-forwarded-for': from });

  before(async () => (s = await startTestServer({ now: NOW, env: { TRUST_PROXY: 'true' } })));
  after(() => s.close());
  beforeEach(() => s.clock.set(NOW));

  it('wrong passwords from an attacker’s address do not lock the owner out at their own address', async () => {
    const { email } = await staff('admin');
    for (let round = 0; round < 3; round++) {
      // The attacker keeps the account "locked" — but only for themselves.
      for (let i = 0; i < 5; i++) expect((await signIn(ATTACKER, email, 'wrong password')).status).to.equal(401);
      const locked = await signIn(ATTACKER, email, PASSWORD);
      expect(locked.status).to.equal(429);
      expect(locked.headers.get('retry-after')).to.equal('30');
      const owner = await signIn(OWNER, email, PASSWORD);
      expect(owner.status, owner.text).to.equal(201);
      s.clock.advance(61_000);
    }
    // The console login, too.
    for (let i = 0; i < 5; i++) await signIn(ATTACKER, email, 'wrong password');
    const c = anon();
    const page = await c.get('/console/login', { accept: 'text/html', 'x-forwarded-for': OWNER });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await c.request('POST', '/console/login', new URLSearchParams({ _csrf: csrf, email, password: PASSWORD }).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html',
      'x-forwarded-for': OWNER,
    });
    expect(res.status).to.equal(303);
  });

  it('one address spraying many accounts gets 429 after the per-address limit; other addresses are unaffected', async () => {
    const { email } = await staff('regular');
    const statuses: number[] = [];
    let lastLimited: Awaited<ReturnType<typeof signIn>> | null = null;
    for (let i = 0; i < 300; i++) {
      const res = await signIn(ATTACKER, `target${i}@example.com`, 'Summer2026!');
      statuses.push(res.status);
      if (res.status === 429) lastLimited = res;
    }
    expect(statuses.slice(0, 20)).to.deep.equal(Array(20).fill(401));
    expect(statuses.slice(20)).to.deep.equal(Array(280).fill(429));
    expect(lastLimited!.body.error.code).to.equal('rate_limited');
    expect(lastLimited!.headers.get('retry-after')).to.equal('60');
    // Even the right password of a real account is refused from that address for now.
    expect((await signIn(ATTACKER, email, PASSWORD)).status).to.equal(429);
    expect((await signIn(OWNER, email, PASSWORD)).status).to.equal(201);
    s.clock.advance(45_000);
    expect((await signIn(ATTACKER, email, PASSWORD)).headers.get('retry-after')).to.equal('15');
    s.clock.advance(15_000);
    expect((await signIn(ATTACKER, email, PASSWORD)).status).to.equal(201);
  });

  it('a client cannot dodge the limit by writing its own X-Forwarded-For entries (only the proxy’s hop counts)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await signIn(`10.9.8.${i}, ${ATTACKER}`, `t${i}@example.com`, 'nope-nope')).status);
    expect(statuses.slice(20)).to.deep.equal([429, 429]);
  });

  it('IPv6 clients are limited by their /64, not by each address in it', async () => {
    for (let i = 0; i < 20; i++) expect((await signIn(`2001:db8:1:2::${(i + 1).toString(16)}`, `a${i}@example.com`, 'nope-nope')).status).to.equal(401);
    expect((await signIn('2001:db8:1:2:ffff::1', 'b@example.com', 'nope-nope')).status).to.equal(429);
    expect((await signIn('2001:db8:1:3::1', 'b@example.com', 'nope-nope')).status).to.equal(401);
  });

  it('answers are identical for known and unknown addresses, under both limits', async () => {
    const { email } = await staff('observer');
    const known = await signIn(ATTACKER, email, 'wrong password');
    const unknown = await signIn(ATTACKER, 'nobody@example.com', 'wrong password');
    expect([unknown.status, unknown.body]).to.deep.equal([known.status, known.body]);
    for (let i = 0; i < 4; i++) {
      await signIn(ATTACKER, email, 'wrong password');
      await signIn(ATTACKER, 'nobody@example.com', 'wrong password');
    }
    const lockedKnown = await signIn(ATTACKER, email, PASSWORD);
    const lockedUnknown = await signIn(ATTACKER, 'nobody@example.com', PASSWORD);
    expect(lockedKnown.status).to.equal(429);
    expect([lockedUnknown.status, lockedUnknown.body, lockedUnknown.headers.get('retry-after')]).to.deep.equal([lockedKnown.status, lockedKnown.body, lockedKnown.headers.get('retry-after')]);
    for (let i = 0; i < 10; i++) await signIn(ATTACKER, `x${i}@example.com`, 'x');
    const limitedKnown = await signIn(ATTACKER, email, PASSWORD);
    const limitedUnknown = await signIn(ATTACKER, 'nobody@example.com', PASSWORD);
    expect(limitedKnown.body.error.message).to.include('from your address');
    expect([limitedUnknown.status, limitedUnknown.body]).to.deep.equal([limitedKnown.status, limitedKnown.body]);
  });
});

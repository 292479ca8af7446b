import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { auditLog, externalIdentities, users } from '../../../server/db/schema.js';
import { DomainError } from '../../../server/domain/errors.js';
import { signInWithIdentityProvider, type ExternalIdentity, type IdentityPolicy } from '../../../server/domain/sso/signInWithIdentityProvider.js';
import { staff } from '../../support/factories.js';
import { testDatabase } from '../../support/db.js';

const now = new Date('2026-11-29T12:00:00Z');
const closed: IdentityPolicy = { allowedDomains: ['example.com'], createAccounts: false };
const identity = (over: Partial<ExternalIdentity> = {}): ExternalIdentity => ({ provider: 'oidc', subject: 'https://idp.example|1', email: 'x@example.com', emailVerified: true, ...over });

async function refusal(p: Promise<unknown>): Promise<{ err: DomainError; reason: unknown }> {
  const err = await p.then(
    () => expect.fail('expected a refusal'),
    (e: unknown) => e as DomainError,
  );
  expect(err).to.be.instanceOf(DomainError);
  expect(err).to.include({ kind: 'unauthenticated', code: 'sso_refused' });
  const { db } = await testDatabase();
  const [entry] = await db.select().from(auditLog).where(eq(auditLog.action, 'sso.refused'));
  await db.delete(auditLog);
  return { err, reason: (entry!.after as { reason: string }).reason };
}

describe('signInWithIdentityProvider: the one door from an identity provider', () => {
  const ctx = async () => ({ db: (await testDatabase()).db, now, actor: null });

  it('refuses an unverified e-mail (its own message) and a domain outside the allowed ones', async () => {
    const who = await staff('regular');
    const unverified = await refusal(signInWithIdentityProvider(await ctx(), identity({ email: who.email, emailVerified: false }), closed));
    expect(unverified.reason).to.equal('email_not_verified');
    expect(unverified.err.message).to.include('has not verified');
    const outside = await refusal(signInWithIdentityProvider(await ctx(), identity({ email: 'x@elsewhere.org' }), closed));
    expect(outside.reason).to.equal('domain_not_allowed');
    const { db } = await testDatabase();
    expect(await db.select().from(externalIdentities)).to.deep.equal([]);
  });

  it('finds an invited person by e-mail (any case), links the subject, then finds them by the link after their e-mail changes', async () => {
    const who = await staff('regular');
    const first = await signInWithIdentityProvider(await ctx(), identity({ email: who.email.toUpperCase() }), closed);
    expect(first.id).to.equal(who.actor.id);
    const { db } = await testDatabase();
    expect(await db.select().from(externalIdentities)).to.have.length(1);
    // The address changes at the provider (and the old one is now someone else's in Beacon): the subject still leads to the same person.
    const other = await staff('observer');
    await db.update(users).set({ email: 'renamed@example.com' }).where(eq(users.id, who.actor.id));
    const again = await signInWithIdentityProvider(await ctx(), identity({ email: other.email }), closed);
    expect(again.id).to.equal(who.actor.id);
    expect(await db.select().from(externalIdentities)).to.have.length(1);
    const signIns = await db.select().from(auditLog).where(eq(auditLog.action, 'sso.sign_in'));
    expect(signIns.map((a) => a.subjectId)).to.deep.equal([who.actor.id, who.actor.id]);
  });

  it('links per provider: the same subject text from SAML is a different identity', async () => {
    const who = await staff('regular');
    await signInWithIdentityProvider(await ctx(), identity({ email: who.email }), closed);
    await signInWithIdentityProvider(await ctx(), identity({ provider: 'saml', email: who.email }), closed);
    const { db } = await testDatabase();
    expect((await db.select().from(externalIdentities)).map((l) => l.provider).sort()).to.deep.equal(['oidc', 'saml']);
  });

  it('just-in-time accounts: off refuses a stranger (same message as a disallowed domain); on creates an observer', async () => {
    const stranger = await refusal(signInWithIdentityProvider(await ctx(), identity({ email: 'new@example.com' }), closed));
    const outside = await refusal(signInWithIdentityProvider(await ctx(), identity({ email: 'new@elsewhere.org' }), closed));
    expect(stranger.reason).to.equal('no_account');
    expect(stranger.err.message).to.equal(outside.err.message);
    const actor = await signInWithIdentityProvider(await ctx(), identity({ email: 'New@Example.com', name: 'New Person' }), { ...closed, createAccounts: true });
    expect(actor).to.include({ role: 'observer', email: 'new@example.com', name: 'New Person' });
  });

  it('refuses an inactive account, linked or not, with the stranger message', async () => {
    const who = await staff('regular');
    await signInWithIdentityProvider(await ctx(), identity({ email: who.email }), closed);
    const { db } = await testDatabase();
    await db.update(users).set({ active: false }).where(eq(users.id, who.actor.id));
    const linked = await refusal(signInWithIdentityProvider(await ctx(), identity({ email: who.email }), closed));
    const unlinked = await refusal(signInWithIdentityProvider(await ctx(), identity({ subject: 'https://idp.example|2', email: who.email }), { ...closed, createAccounts: true }));
    expect([linked.reason, unlinked.reason]).to.deep.equal(['inactive', 'inactive']);
    expect(linked.err.message).to.include('cannot use this Beacon');
  });
});

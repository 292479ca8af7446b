import { expect } from 'chai';
import { auditLog, deliveries, outboxEvents } from '../../../server/db/schema.js';
import { pruneRetention } from '../../../server/domain/retention/pruneRetention.js';
import { deliveryExpired, eventExpired, retentionCutoffs } from '../../../server/domain/retention/retentionPolicy.js';
import { loadConfig } from '../../../server/config.js';
import { testDatabase } from '../../support/db.js';

const NOW = new Date('2026-11-29T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

describe('retention', () => {
  describe('selection (pure)', () => {
    const c = retentionCutoffs(NOW, 30);

    it('drops delivered deliveries after RETENTION_DAYS, dead letters after 90 days, pending never', () => {
      expect(deliveryExpired({ status: 'delivered', createdAt: daysAgo(30.01) }, c)).to.equal(true);
      expect(deliveryExpired({ status: 'delivered', createdAt: daysAgo(29.99) }, c)).to.equal(false);
      expect(deliveryExpired({ status: 'dead', createdAt: daysAgo(89.99) }, c)).to.equal(false);
      expect(deliveryExpired({ status: 'dead', createdAt: daysAgo(90.01) }, c)).to.equal(true);
      expect(deliveryExpired({ status: 'pending', createdAt: daysAgo(400) }, c)).to.equal(false);
    });

    it('drops dispatched events after RETENTION_DAYS once no delivery points at them', () => {
      expect(eventExpired({ createdAt: daysAgo(31), dispatchedAt: daysAgo(31), deliveriesLeft: 0 }, c)).to.equal(true);
      expect(eventExpired({ createdAt: daysAgo(31), dispatchedAt: daysAgo(31), deliveriesLeft: 1 }, c)).to.equal(false);
      expect(eventExpired({ createdAt: daysAgo(31), dispatchedAt: null, deliveriesLeft: 0 }, c)).to.equal(false);
      expect(eventExpired({ createdAt: daysAgo(29), dispatchedAt: daysAgo(29), deliveriesLeft: 0 }, c)).to.equal(false);
    });

    it('a retention longer than 90 days keeps dead letters at least as long', () => {
      const long = retentionCutoffs(NOW, 120);
      expect(deliveryExpired({ status: 'dead', createdAt: daysAgo(100) }, long)).to.equal(false);
      expect(deliveryExpired({ status: 'dead', createdAt: daysAgo(121) }, long)).to.equal(true);
    });

    it('RETENTION_DAYS defaults to 30 and refuses nonsense', () => {
      expect(loadConfig({}).RETENTION_DAYS).to.equal(30);
      expect(loadConfig({ RETENTION_DAYS: '7' }).RETENTION_DAYS).to.equal(7);
      expect(() => loadConfig({ RETENTION_DAYS: '0' })).to.throw(/RETENTION_DAYS/);
      expect(() => loadConfig({ RETENTION_DAYS: 'x' })).to.throw(/RETENTION_DAYS/);
    });
  });

  describe('pruning (real database)', () => {
    it('deletes exactly the expired rows, in batches, and never touches the audit log', async () => {
      const { db } = await testDatabase();
      const event = async (age: number, dispatched = true) =>
        (await db.insert(outboxEvents).values({ type: 'test.event', payload: { age }, createdAt: daysAgo(age), dispatchedAt: dispatched ? daysAgo(age) : null }).returning())[0]!.id;
      let n = 0;
      const delivery = (eventId: number, age: number, status: 'pending' | 'delivered' | 'dead') =>
        db.insert(deliveries).values({ eventId, channel: 'email', target: `t${n}`, idempotencyKey: `k${n++}`, status, nextAttemptAt: daysAgo(age), createdAt: daysAgo(age) });

      const oldDone = await event(40); // delivered long ago: event and deliveries go
      for (let i = 0; i < 7; i++) await delivery(oldDone, 40, 'delivered');
      const oldDead = await event(40); // a dead letter 40 days old: kept, and so is its event
      await delivery(oldDead, 40, 'dead');
      const ancientDead = await event(100); // a dead letter past 90 days: both go
      await delivery(ancientDead, 100, 'dead');
      const stuck = await event(200); // still pending: kept
      await delivery(stuck, 200, 'pending');
      const recent = await event(5);
      await delivery(recent, 5, 'delivered');
      const undispatched = await event(60, false);
      await db.insert(auditLog).values({ at: daysAgo(300), action: 'session.start', subjectType: 'user' });

      const removed = await pruneRetention(db, NOW, 30, 3);
      expect(removed).to.deep.equal({ deliveries: 8, events: 2 });
      const events = (await db.select().from(outboxEvents)).map((e) => e.id).sort((a, b) => a - b);
      expect(events).to.deep.equal([oldDead, stuck, recent, undispatched].sort((a, b) => a - b));
      const left = await db.select().from(deliveries);
      expect(left.map((d) => [d.eventId, d.status]).sort()).to.deep.equal([[oldDead, 'dead'], [stuck, 'pending'], [recent, 'delivered']].sort());
      expect(await db.select().from(auditLog)).to.have.length(1);

      expect(await pruneRetention(db, NOW, 30)).to.deep.equal({ deliveries: 0, events: 0 }); // nothing more to do
    });
  });
});

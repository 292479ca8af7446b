import { expect } from 'chai';
import { deliveries, outboxEvents } from '../../server/db/schema.js';
import { FixedClock } from '../../server/clock.js';
import { createLogger } from '../../server/logger.js';
import { retryDelayMs, MAX_ATTEMPTS } from '../../server/notify/backoff.js';
import type { DeliveryChannel, DeliveryRow, SendResult } from '../../server/notify/channel.js';
import { OutboxDispatcher } from '../../server/notify/dispatcher.js';
import { Client } from '../support/client.js';
import { testDatabase } from '../support/db.js';
import { staff } from '../support/factories.js';
import { LogSink, startTestServer } from '../support/server.js';

/** A channel standing in for an outside service: records what it was asked to send. */
function recordingChannel(targets: string[], answer: (d: DeliveryRow) => SendResult | Promise<SendResult> = () => ({ ok: true })) {
  const sent: DeliveryRow[] = [];
  const ch: DeliveryChannel = {
    name: 'test',
    enabled: () => true,
    plan: async (e) => (e.type === 'ping' ? targets.map((target) => ({ target })) : []),
    send: async (d) => {
      sent.push(d);
      return answer(d);
    },
  };
  return { ch, sent };
}

async function ping(n = 1) {
  const { db } = await testDatabase();
  for (let i = 0; i < n; i++) await db.insert(outboxEvents).values({ type: 'ping', payload: { i }, createdAt: new Date('2026-11-29T12:00:00Z') });
}

const T0 = '2026-11-29T12:00:00Z';
const silent = () => createLogger('silent', new LogSink());

describe('outbox dispatcher', () => {
  it('backoff grows exponentially with jitter, capped at an hour', () => {
    expect(retryDelayMs(1, () => 1)).to.equal(30_000);
    expect(retryDelayMs(2, () => 1)).to.equal(60_000);
    expect(retryDelayMs(3, () => 0)).to.equal(60_000);
    expect(retryDelayMs(20, () => 1)).to.equal(3_600_000);
    const spread = new Set(Array.from({ length: 20 }, () => retryDelayMs(4)));
    expect(spread.size).to.be.greaterThan(1);
  });

  it('fans each event out to one delivery per target and sends each once', async () => {
    const { db } = await testDatabase();
    const { ch, sent } = recordingChannel(['a', 'b', 'c']);
    const d = new OutboxDispatcher(db, [], [ch], new FixedClock(T0), silent());
    await ping(2);
    await d.drain();
    await d.drain();
    expect(sent.map((x) => x.idempotencyKey).sort()).to.deep.equal(['1:test:a', '1:test:b', '1:test:c', '2:test:a', '2:test:b', '2:test:c']);
    const rows = await db.select().from(deliveries);
    expect(rows.every((r) => r.status === 'delivered' && r.attempts === 1)).to.equal(true);
  });

  it('two dispatchers on one database deliver each notification exactly once', async () => {
    const { db } = await testDatabase();
    const a = recordingChannel(['x', 'y']);
    const b = recordingChannel(['x', 'y']);
    const clock = new FixedClock(T0);
    await ping(30);
    await Promise.all([new OutboxDispatcher(db, [], [a.ch], clock, silent()).drain(), new OutboxDispatcher(db, [], [b.ch], clock, silent()).drain()]);
    const keys = [...a.sent, ...b.sent].map((d) => d.idempotencyKey);
    expect(keys).to.have.length(60);
    expect(new Set(keys).size).to.equal(60);
  });

  it('retries failures with backoff, then dead-letters; an admin retry sends it again', async () => {
    const { db } = await testDatabase();
    const clock = new FixedClock(T0);
    let fail = true;
    const { ch, sent } = recordingChannel(['only'], () => (fail ? { ok: false, error: 'connection refused' } : { ok: true }));
    const d = new OutboxDispatcher(db, [], [ch], clock, silent(), 250, () => 1);
    await ping();
    await d.drain();
    let [row] = await db.select().from(deliveries);
    expect(row).to.include({ status: 'pending', attempts: 1, lastError: 'connection refused' });
    expect(row!.nextAttemptAt.toISOString()).to.equal('2026-11-29T12:00:30.000Z');
    await d.drain();
    expect(sent).to.have.length(1); // not due yet
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      clock.advance(3_600_000);
      await d.drain();
    }
    [row] = await db.select().from(deliveries);
    expect(row).to.include({ status: 'dead', attempts: MAX_ATTEMPTS });
    clock.advance(24 * 3_600_000);
    await d.drain();
    expect(sent).to.have.length(MAX_ATTEMPTS);

    const s = await startTestServer({ now: clock.now().toISOString() });
    try {
      const admin = new Client(s.baseUrl, (await staff('admin')).token);
      const dead = await admin.get('/api/v1/deliveries?status=dead');
      expect(dead.body.deliveries.map((x: any) => [x.channel, x.event_type, x.last_error])).to.deep.equal([['test', 'ping', 'connection refused']]);
      expect((await new Client(s.baseUrl, (await staff('regular')).token).post(`/api/v1/deliveries/${row!.id}/retry`)).status).to.equal(403);
      expect((await admin.post(`/api/v1/deliveries/${row!.id}/retry`)).status).to.equal(200);
    } finally {
      await s.close();
    }
    fail = false;
    await d.drain();
    [row] = await db.select().from(deliveries);
    expect(row!.status).to.equal('delivered');
    expect(sent).to.have.length(MAX_ATTEMPTS + 1);
  });

  it('a permanent refusal is dead at once; a rate limit reschedules without spending an attempt', async () => {
    const { db } = await testDatabase();
    const clock = new FixedClock(T0);
    const answers: SendResult[] = [{ ok: false, error: 'rate limited', retryAt: new Date('2026-11-29T12:15:00Z') }, { ok: true, externalId: 'ext-1' }];
    const { ch } = recordingChannel(['r'], () => answers.shift()!);
    const perm = recordingChannel(['p'], () => ({ ok: false, error: '550 no such user', permanent: true }));
    perm.ch.name = 'perm';
    const d = new OutboxDispatcher(db, [], [ch, perm.ch], clock, silent());
    await ping();
    await d.drain();
    const rows = await db.select().from(deliveries);
    const r = rows.find((x) => x.channel === 'test')!;
    expect(r).to.include({ status: 'pending', attempts: 0 });
    expect(r.nextAttemptAt.toISOString()).to.equal('2026-11-29T12:15:00.000Z');
    expect(rows.find((x) => x.channel === 'perm')).to.include({ status: 'dead', attempts: 1, lastError: '550 no such user' });
    clock.set('2026-11-29T12:15:00Z');
    await d.drain();
    const [done] = (await db.select().from(deliveries)).filter((x) => x.channel === 'test');
    expect(done).to.include({ status: 'delivered', externalId: 'ext-1', attempts: 1 });
  });

  it('a sender that dies holding a lease blocks nobody for long: after the lease the row is sent again, same key', async () => {
    const { db } = await testDatabase();
    const clock = new FixedClock(T0);
    const keys: string[] = [];
    const first: { finish?: (r: SendResult) => void } = {};
    const channel = (hang: boolean): DeliveryChannel => ({
      name: 'test',
      enabled: () => true,
      plan: async () => [{ target: 't' }],
      send: (d) => {
        keys.push(d.idempotencyKey);
        return hang ? new Promise<SendResult>((r) => (first.finish = r)) : Promise.resolve({ ok: true, externalId: 'second' });
      },
    });
    await ping();
    // The first instance claims the row and then never records (as if killed mid-send).
    const dead = new OutboxDispatcher(db, [], [channel(true)], clock, silent(), 250, Math.random, false, 60_000);
    const stuck = dead.drain();
    while (!first.finish) await new Promise((r) => setTimeout(r, 5));
    const [leased] = await db.select().from(deliveries);
    expect(leased!.lockedUntil!.toISOString()).to.equal('2026-11-29T12:01:00.000Z');

    const other = new OutboxDispatcher(db, [], [channel(false)], clock, silent(), 250, Math.random, false, 60_000);
    await other.drain();
    expect(keys).to.have.length(1); // leased: not sent twice while the first may still be sending
    clock.advance(60_000);
    await other.drain();
    expect(keys).to.deep.equal(['1:test:t', '1:test:t']);
    let [row] = await db.select().from(deliveries);
    expect(row).to.include({ status: 'delivered', attempts: 1, externalId: 'second', lockedUntil: null });

    // The late first sender's outcome changes nothing any more.
    first.finish!({ ok: false, error: 'late failure' });
    await stuck;
    [row] = await db.select().from(deliveries);
    expect(row).to.include({ status: 'delivered', attempts: 1, externalId: 'second', lastError: null });
  });

  it('each channel drains on its own: a stuck channel holds up no other', async () => {
    const { db } = await testDatabase();
    const stuck: DeliveryChannel = { name: 'stuck', enabled: () => true, plan: async () => [{ target: 's' }], send: () => new Promise<SendResult>(() => {}) };
    const { ch, sent } = recordingChannel(['a']);
    const d = new OutboxDispatcher(db, [], [stuck, ch], new FixedClock(T0), silent());
    await ping();
    void d.drain();
    const deadline = Date.now() + 3000;
    while (!sent.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(sent.map((x) => x.idempotencyKey)).to.deep.equal(['1:test:a']);
    await ping();
    void d.drain();
    while (sent.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(sent.map((x) => x.idempotencyKey)).to.deep.equal(['1:test:a', '2:test:a']);
  });

  it('never runs more sends of a channel at once than its concurrency', async () => {
    const { db } = await testDatabase();
    let inFlight = 0;
    let most = 0;
    const ch: DeliveryChannel = {
      name: 'test',
      enabled: () => true,
      concurrency: 3,
      plan: async () => Array.from({ length: 20 }, (_, i) => ({ target: `t${i}` })),
      send: async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return { ok: true };
      },
    };
    await ping();
    await new OutboxDispatcher(db, [], [ch], new FixedClock(T0), silent()).drain();
    expect(most).to.equal(3);
    expect((await db.select().from(deliveries)).every((r) => r.status === 'delivered' && r.lockedUntil === null)).to.equal(true);
  });
});

describe('outbox listeners', () => {
  it('hear each committed batch once, with all its events (a write with several events is one change)', async () => {
    const { db } = await testDatabase();
    await ping(3);
    const d = new OutboxDispatcher(db, [], [], new FixedClock(T0), silent());
    const batches: string[][] = [];
    d.onEvents((events) => batches.push(events.map((e) => `${e.type}:${(e.payload as { i: number }).i}`)));
    expect(await d.drain()).to.equal(3);
    expect(batches).to.deep.equal([['ping:0', 'ping:1', 'ping:2']]);
    expect(await d.drain()).to.equal(0);
    expect(batches).to.have.length(1);
  });
});

describe('outbox fan-out right after a write', () => {
  it('a staff write is fanned out and pushed without waiting for the dispatcher poll', async () => {
    const s = await startTestServer({ now: T0, dispatchAfterWrite: true });
    try {
      const { db } = await testDatabase();
      const api = new Client(s.baseUrl, (await staff('regular')).token);
      const res = await api.post('/api/v1/incidents', { title: 'Kicked', severity: 2, message: 'x' });
      expect(res.status).to.equal(201);
      // The poll loop is not running in tests: only the post-write kick can dispatch the event.
      const deadline = Date.now() + 3000;
      let pending = 1;
      while (pending && Date.now() < deadline) {
        pending = (await db.select().from(outboxEvents)).filter((e) => !e.dispatchedAt).length;
        if (pending) await new Promise((r) => setTimeout(r, 20));
      }
      expect(pending).to.equal(0);
    } finally {
      await s.close();
    }
  });
});

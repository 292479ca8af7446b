import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import { Client } from '../../support/client.js';
import { staff } from '../../support/factories.js';
import { startTestServer, type TestServer } from '../../support/server.js';

// A burst of staff writes rebuilds and pushes the public status once at once and once more at the
// end of LIVE_PUSH_INTERVAL_MS (60 s here, so the second push only comes when the test flushes it),
// and that push shows the burst's last write. (The timing rule itself: test/realtime/pacer.test.ts.)
describe('live pushes are paced: a burst of writes is one push at once and one with the final state', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer({ env: { LIVE_PUSH_INTERVAL_MS: '60000' } })));
  after(() => s.close());

  it('pushes the first change at once, folds the rest, and the folded push carries the last update', async () => {
    const api = new Client(s.baseUrl, (await staff('regular')).token);
    await s.runtime.snapshot.rebuild(); // the state a client gets on connect (not through the pacer)
    const sock: Socket = connect(`${s.baseUrl}/public`, { transports: ['websocket'], forceNew: true });
    const pushes: Array<{ seq: number; html: string }> = [];
    try {
      await new Promise<void>((resolve) => sock.once('status', () => resolve()));
      sock.on('status', (m) => pushes.push(m));
      const created = await api.post('/api/v1/incidents', { title: 'Paced burst', severity: 2, message: 'Update 0' });
      expect(created.status).to.equal(201);
      await s.runtime.dispatcher.drain();
      // The first change after a quiet spell is not held for the interval.
      const first = await until(() => pushes.find((p) => p.html.includes('Paced burst')));
      for (let i = 1; i <= 5; i++) {
        s.clock.advance(1000); // each update later than the one before ("latest" goes by time)
        expect((await api.post(`/api/v1/incidents/${created.body.id}/updates`, { status: 'identified', message: `Update ${i}` })).status).to.equal(201);
        await s.runtime.dispatcher.drain();
      }
      // Five more changes within the interval: no rebuild, no push yet.
      expect(s.runtime.snapshot.seq).to.equal(first.seq);
      await s.runtime.rebuilds.flush();
      const last = await until(() => pushes.find((p) => p.html.includes('Update 5')));
      expect(last.seq).to.equal(first.seq + 1);
      expect(s.runtime.snapshot.seq).to.equal(last.seq);
      expect(pushes.map((p) => p.seq)).to.deep.equal([first.seq, last.seq]);
    } finally {
      sock.close();
    }
  });
});

// In production a write's events are reacted to when its transaction commits (the push does not wait
// for the outbox fan-out), and the fan-out of those same events does not rebuild a second time.
describe('a write rebuilds once, at commit, not again when its events are fanned out', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer({ dispatchAfterWrite: true })));
  after(() => s.close());

  it('one rebuild and one push per write', async () => {
    const api = new Client(s.baseUrl, (await staff('regular')).token);
    await s.runtime.snapshot.rebuild();
    const sock: Socket = connect(`${s.baseUrl}/public`, { transports: ['websocket'], forceNew: true });
    const pushes: Array<{ seq: number; html: string }> = [];
    try {
      await new Promise<void>((resolve) => sock.once('status', () => resolve()));
      sock.on('status', (m) => pushes.push(m));
      const before = s.runtime.snapshot.seq;
      expect((await api.post('/api/v1/incidents', { title: 'Rebuilt once', severity: 3, message: 'Looking' })).status).to.equal(201);
      const pushed = await until(() => pushes.find((p) => p.html.includes('Rebuilt once')));
      await s.runtime.dispatcher.drain(); // the fan-out of the write's events has happened
      await s.runtime.rebuilds.flush(); // and anything it asked for has run
      expect(pushed.seq).to.equal(before + 1);
      expect(s.runtime.snapshot.seq).to.equal(before + 1);
      expect(pushes.map((p) => p.seq)).to.deep.equal([before + 1]);
    } finally {
      sock.close();
    }
  });
});

async function until<T>(fn: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting for the push');
    await new Promise((r) => setTimeout(r, 20));
  }
}

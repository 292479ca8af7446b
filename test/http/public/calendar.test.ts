import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { maintenances } from '../../../server/db/schema.js';
import { Client } from '../../support/client.js';
import { component } from '../../support/components.js';
import { staff } from '../../support/factories.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z'; // Sunday
const SAT = { scheduled_for: '2026-12-06T03:00:00Z', scheduled_until: '2026-12-06T06:30:00Z' };
// Tuesday 2026-12-08 22:00 EST → Wednesday 02:00 EST.
const TUE = { scheduled_for: '2026-12-09T03:00:00Z', scheduled_until: '2026-12-09T05:00:00Z' };

interface Ev {
  uid: string;
  sequence: number;
  status: string | null;
  summary: string;
  description: string;
  start: string;
  end: string;
}

describe('maintenance calendar (/maintenance.ics) read by an independent iCalendar parser', () => {
  let s: TestServer;
  let api: Client;
  before(async () => (s = await startTestServer({ now: NOW })));
  after(() => s.close());
  beforeEach(async () => {
    s.clock.set(NOW);
    api = new Client(s.baseUrl, (await staff('regular')).token);
  });

  async function calendar(): Promise<Map<string, Ev>> {
    const res = await new Client(s.baseUrl).get('/maintenance.ics', { accept: 'text/calendar' });
    expect(res.status, res.text).to.equal(200);
    expect(res.headers.get('content-type')).to.include('text/calendar');
    const cal = new ICAL.Component(ICAL.parse(res.text));
    const out = new Map<string, Ev>();
    for (const v of cal.getAllSubcomponents('vevent')) {
      const e = new ICAL.Event(v);
      out.set(e.uid, {
        uid: e.uid,
        sequence: e.sequence,
        status: (v.getFirstPropertyValue('status') as string | null) ?? null,
        summary: e.summary,
        description: e.description,
        start: e.startDate.toJSDate().toISOString(),
        end: e.endDate.toJSDate().toISOString(),
      });
    }
    return out;
  }
  const uid = (id: string) => `maintenance-${id}@beacon`;
  async function plan(extra: Record<string, unknown> = {}) {
    const res = await api.post('/api/v1/maintenances', { title: 'Database upgrade', body: 'Postgres 17.', ...SAT, ...extra });
    expect(res.status, res.text).to.equal(201);
    return res.body.id as string;
  }

  it('SEQUENCE increases with every reschedule and edit (RFC 5545 §3.8.7.4)', async () => {
    const id = await plan();
    const first = (await calendar()).get(uid(id))!;
    expect(first).to.deep.include({ status: 'CONFIRMED', start: '2026-12-06T03:00:00.000Z', end: '2026-12-06T06:30:00.000Z' });

    s.clock.set('2026-11-29T13:00:00Z');
    expect((await api.patch(`/api/v1/maintenances/${id}`, TUE)).status).to.equal(200);
    const moved = (await calendar()).get(uid(id))!;
    expect(moved.start).to.equal('2026-12-09T03:00:00.000Z');
    expect(moved.sequence).to.be.greaterThan(first.sequence);

    s.clock.set('2026-11-29T14:00:00Z');
    expect((await api.patch(`/api/v1/maintenances/${id}`, { title: 'Database upgrade (part 1)' })).status).to.equal(200);
    const renamed = (await calendar()).get(uid(id))!;
    expect(renamed.summary).to.equal('Maintenance: Database upgrade (part 1)');
    expect(renamed.sequence).to.be.greaterThan(moved.sequence);
  });

  it('a cancelled maintenance is published with STATUS:CANCELLED and a higher SEQUENCE, not dropped', async () => {
    const id = await plan();
    const before = (await calendar()).get(uid(id))!;
    s.clock.set('2026-11-29T13:00:00Z');
    expect((await api.post(`/api/v1/maintenances/${id}/cancel`, {})).status).to.equal(200);
    const after = (await calendar()).get(uid(id));
    expect(after, 'still in the calendar').to.exist;
    expect(after!.status).to.equal('CANCELLED');
    expect(after!.sequence).to.be.greaterThan(before.sequence);
  });

  it('started, verifying and completed maintenance stays in the calendar, each step a new SEQUENCE', async () => {
    const comp = await component('API');
    const res = await api.post('/api/v1/maintenances', {
      title: 'Emergency patch',
      body: 'Kernel fix.',
      kind: 'unplanned',
      reason: 'CVE',
      scheduled_until: '2026-11-29T13:00:00Z',
      components: [comp.id],
    });
    expect(res.status, res.text).to.equal(201);
    const id = res.body.id as string;
    const started = (await calendar()).get(uid(id))!;
    expect(started.status).to.equal('CONFIRMED');

    s.clock.set('2026-11-29T12:30:00Z');
    expect((await api.post(`/api/v1/maintenances/${id}/verifying`, {})).status).to.equal(200);
    const verifying = (await calendar()).get(uid(id))!;
    expect(verifying.sequence).to.be.greaterThan(started.sequence);

    s.clock.set('2026-11-29T12:40:00Z');
    expect((await api.post(`/api/v1/maintenances/${id}/complete`, {})).status).to.equal(200);
    const done = (await calendar()).get(uid(id));
    expect(done, 'completed maintenance stays').to.exist;
    expect(done!.status).to.equal('CONFIRMED');
    expect(done!.sequence).to.be.greaterThan(verifying.sequence);
    // The calendar shows when the work really ran.
    expect(done!.start).to.equal('2026-11-29T12:00:00.000Z');
    expect(done!.end).to.equal('2026-11-29T12:40:00.000Z');
  });

  it('hostile text comes back exactly, minus the control characters iCalendar forbids', async () => {
    const id = await plan();
    const title = 'DB <v2.3>; a,b \\ c ]]> &amp; \x1b[31mred\x1b[0m\fpage 🚀';
    const body = 'Line one <error 502>\r\nline two; with, commas\n\ttab \x1b[0m\x0c end';
    await s.deps.database.db.update(maintenances).set({ title, body }).where(eq(maintenances.id, id));
    const ev = (await calendar()).get(uid(id))!;
    expect(ev.summary).to.equal('Maintenance: DB <v2.3>; a,b \\ c ]]> &amp; [31mred[0mpage 🚀');
    expect(ev.description).to.equal('Line one <error 502>\nline two; with, commas\n\ttab [0m end\n\nStatus: Scheduled');
  });
});

import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { auditLog, outboxEvents } from '../../server/db/schema.js';
import { Client } from '../support/client.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z'; // a Sunday
// Saturday 2026-12-05 22:00 → Sun 02:00 EST = 2026-12-06T03:00Z → 07:00Z
const SAT = { scheduled_for: '2026-12-06T03:00:00Z', scheduled_until: '2026-12-06T06:30:00Z' };
const WED_RULES = [{ weekday: 3, start: '21:00', end: '23:00', zone: 'America/New_York' }];

describe('maintenance windows: listing, changing, iCalendar', () => {
  let s: TestServer;
  let admin: Client;
  let regular: Client;
  before(async () => (s = await startTestServer({ now: NOW })));
  after(() => s.close());
  beforeEach(async () => {
    s.clock.set(NOW);
    admin = new Client(s.baseUrl, (await staff('admin')).token);
    regular = new Client(s.baseUrl, (await staff('regular')).token);
  });

  it('lists the next occurrences in UTC with the local rule', async () => {
    const res = await regular.get('/api/v1/maintenance-windows?from=2026-11-29T12:00:00Z&count=3');
    expect(res.status).to.equal(200);
    expect(res.body.windows).to.deep.equal([
      { starts_at: '2026-12-02T03:00:00.000Z', ends_at: '2026-12-02T07:00:00.000Z', rule: { weekday: 2, start: '22:00', end: '02:00', zone: 'America/New_York' } },
      { starts_at: '2026-12-06T03:00:00.000Z', ends_at: '2026-12-06T07:00:00.000Z', rule: { weekday: 6, start: '22:00', end: '02:00', zone: 'America/New_York' } },
      { starts_at: '2026-12-09T03:00:00.000Z', ends_at: '2026-12-09T07:00:00.000Z', rule: { weekday: 2, start: '22:00', end: '02:00', zone: 'America/New_York' } },
    ]);
    expect(res.body.pending_change).to.equal(null);
    expect((await regular.get('/api/v1/maintenance-windows?count=0')).status).to.equal(400);
  });

  it('admins change the windows with ≥ 24 h notice; the change is announced, audited and applies from its instant', async () => {
    const planned = await regular.post('/api/v1/maintenances', { title: 'DB upgrade', body: 'x', ...SAT });
    expect(planned.status, planned.text).to.equal(201);

    const tooSoon = await admin.put('/api/v1/maintenance-windows', { rules: WED_RULES, effective_at: '2026-11-30T11:59:59Z' });
    expect(tooSoon.status).to.equal(422);
    expect(tooSoon.body.error.code).to.equal('insufficient_notice');
    expect((await regular.put('/api/v1/maintenance-windows', { rules: WED_RULES })).status).to.equal(403);
    const bad = await admin.put('/api/v1/maintenance-windows', { rules: [{ weekday: 3, start: '21:00', end: '23:00', zone: 'Mars/Olympus' }] });
    expect(bad.status).to.equal(422);
    expect(bad.body.error.code).to.equal('invalid_window_rules');

    const res = await admin.put('/api/v1/maintenance-windows', { rules: WED_RULES, effective_at: '2026-12-03T00:00:00Z' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.pending_change).to.deep.equal({ rules: WED_RULES, effective_at: '2026-12-03T00:00:00.000Z' });
    // The Saturday maintenance no longer fits the new windows: listed for review.
    expect(res.body.needs_review.map((m: any) => m.id)).to.deep.equal([planned.body.id]);
    const [event] = await s.deps.database.db.select().from(outboxEvents).where(eq(outboxEvents.type, 'maintenance_windows.changed'));
    expect(event!.payload).to.deep.include({ effective_at: '2026-12-03T00:00:00.000Z' });
    expect(await s.deps.database.db.select().from(auditLog).where(eq(auditLog.action, 'maintenance_windows.change'))).to.have.length(1);

    // Before the switch the old Tuesday window still counts; after it, Wednesday 21:00 EST.
    const list = (await regular.get('/api/v1/maintenance-windows?from=2026-11-29T12:00:00Z&count=3')).body.windows;
    expect(list.map((w: any) => w.starts_at)).to.deep.equal(['2026-12-02T03:00:00.000Z', '2026-12-03T02:00:00.000Z', '2026-12-10T02:00:00.000Z']);
    // New slots are validated by the rules in force at their start.
    const oldStyle = await regular.post('/api/v1/maintenances', { title: 'y', body: 'y', scheduled_for: '2026-12-13T03:00:00Z', scheduled_until: '2026-12-13T04:00:00Z' });
    expect(oldStyle.status).to.equal(422);
    expect(oldStyle.body.error.code).to.equal('outside_maintenance_window');
    const newStyle = await regular.post('/api/v1/maintenances', { title: 'z', body: 'z', scheduled_for: '2026-12-10T02:00:00Z', scheduled_until: '2026-12-10T04:00:00Z' });
    expect(newStyle.status, newStyle.text).to.equal(201);
  });

  it('serves upcoming maintenance as an iCalendar feed', async () => {
    const planned = await regular.post('/api/v1/maintenances', { title: 'DB upgrade <fast>', body: 'Postgres 17.', ...SAT });
    const res = await new Client(s.baseUrl).get('/maintenance.ics');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.include('text/calendar');
    expect(res.text).to.include('BEGIN:VCALENDAR');
    expect(res.text).to.include(`UID:maintenance-${planned.body.id}@beacon`);
    expect(res.text).to.include('DTSTART:20261206T030000Z');
    expect(res.text).to.include('DTEND:20261206T063000Z');
    expect(res.text).to.include('SUMMARY:Maintenance: DB upgrade <fast>');
    await regular.post(`/api/v1/maintenances/${planned.body.id}/cancel`, { reason: 'not needed' });
    // A cancelled event stays, marked cancelled, so calendars that imported it strike it (see calendar.test.ts).
    const after = (await new Client(s.baseUrl).get('/maintenance.ics')).text;
    expect(after).to.include(`UID:maintenance-${planned.body.id}@beacon`);
    expect(after).to.include('STATUS:CANCELLED');
  });
});

describe('maintenance windows: console change and its announcement', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer({ now: NOW })));
  after(() => s.close());

  it('an admin announces new windows from the console; the status page and announcements show the notice', async () => {
    const who = await staff('admin');
    const c = new Client(s.baseUrl);
    await c.form('/console/login', { email: who.email, password: PASSWORD });
    const page = await c.get('/console/maintenance-windows', { accept: 'text/html' });
    expect(page.text).to.include('Tuesday 22:00 to 02:00 (America/New_York)');
    const bad = await c.form('/console/maintenance-windows', { rules: 'Someday 25:00', effective_at: '' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('line 1');
    const soon = await c.form('/console/maintenance-windows', { rules: 'Wed 21:00-23:00', effective_at: '2026-11-30T11:00:00Z' });
    expect(soon.status).to.equal(422);
    const ok = await c.form('/console/maintenance-windows', { rules: 'Wed 21:00-23:00\nSun 03:00-05:00 America/Chicago', effective_at: '' });
    expect(ok.status, ok.text.slice(0, 300)).to.equal(200);
    expect(ok.text).to.include('announced on the status page');
    const api = await new Client(s.baseUrl, who.token).get('/api/v1/maintenance-windows');
    expect(api.body.pending_change.rules).to.deep.equal([
      { weekday: 3, start: '21:00', end: '23:00', zone: 'America/New_York' },
      { weekday: 7, start: '03:00', end: '05:00', zone: 'America/Chicago' },
    ]);
    expect(api.body.pending_change.effective_at).to.equal('2026-11-30T12:00:00.000Z');
    await s.runtime.dispatcher.drain();
    await s.runtime.snapshot.rebuild();
    const ann = (await new Client(s.baseUrl).get('/api/v1/announcements')).body.announcements;
    expect(ann.map((a: any) => a.title)).to.include('Our maintenance windows are changing');
    const home = await new Client(s.baseUrl).get('/', { accept: 'text/html' });
    expect(home.text).to.include('Our maintenance windows are changing');
    expect(home.text).to.include('Wednesday 21:00 to 23:00 (America/New_York)');
    const regular = new Client(s.baseUrl);
    const r = await staff('regular');
    await regular.form('/console/login', { email: r.email, password: PASSWORD });
    expect((await regular.form('/console/maintenance-windows', { rules: 'Wed 21:00-23:00' }, '/console/maintenance-windows')).status).to.equal(403);
  });
});

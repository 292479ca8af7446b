import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Client } from '../support/client.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const NOW = '2026-11-29T12:00:00Z';

// Field lists from ../shared/statuspage-v2-shapes.md, hard-coded on purpose.
const TOP_LEVEL: Record<string, string[]> = {
  'summary.json': ['page', 'status', 'components', 'incidents', 'scheduled_maintenances'],
  'status.json': ['page', 'status'],
  'components.json': ['page', 'components'],
  'incidents.json': ['page', 'incidents'],
  'incidents/unresolved.json': ['page', 'incidents'],
  'scheduled-maintenances.json': ['page', 'scheduled_maintenances'],
  'scheduled-maintenances/upcoming.json': ['page', 'scheduled_maintenances'],
  'scheduled-maintenances/active.json': ['page', 'scheduled_maintenances'],
};

const INDICATORS = ['none', 'minor', 'major', 'critical', 'maintenance'];
// As real Statuspage pages word them (issue 11); "Partially Degraded Service" is minor from degraded components alone.
const DESCRIPTIONS = ['All Systems Operational', 'Partially Degraded Service', 'Minor Service Outage', 'Partial System Outage', 'Major Service Outage', 'Service Under Maintenance'];
const COMPONENT_STATUSES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'];
const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'];
const IMPACTS = ['none', 'minor', 'major', 'critical'];
const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'];

type Kind = 'string' | 'string|null' | 'iso' | 'iso|null' | 'date|null' | 'int' | 'bool' | 'array' | 'array|null';

const PAGE: Record<string, Kind> = { id: 'string', name: 'string', url: 'string', time_zone: 'string', updated_at: 'iso' };
const COMPONENT: Record<string, Kind> = {
  id: 'string',
  name: 'string',
  status: 'string',
  created_at: 'iso',
  updated_at: 'iso',
  position: 'int',
  description: 'string|null',
  showcase: 'bool',
  start_date: 'date|null',
  group_id: 'string|null',
  page_id: 'string',
  group: 'bool',
  only_show_if_degraded: 'bool',
};
const INCIDENT: Record<string, Kind> = {
  id: 'string',
  name: 'string',
  status: 'string',
  impact: 'string',
  created_at: 'iso',
  updated_at: 'iso',
  started_at: 'iso',
  monitoring_at: 'iso|null',
  resolved_at: 'iso|null',
  shortlink: 'string',
  page_id: 'string',
  components: 'array',
  incident_updates: 'array',
};
// Present once a postmortem is published (statuspage-v2-shapes.md "Published postmortems add …").
const POSTMORTEM: Record<string, Kind> = {
  postmortem_body: 'string',
  postmortem_body_last_updated_at: 'iso',
  postmortem_published_at: 'iso',
  postmortem_ignored: 'bool',
  postmortem_notified_subscribers: 'bool',
};
const UPDATE: Record<string, Kind> = {
  id: 'string',
  incident_id: 'string',
  status: 'string',
  body: 'string',
  created_at: 'iso',
  updated_at: 'iso',
  display_at: 'iso',
  deliver_notifications: 'bool',
  custom_tweet: 'string|null',
  tweet_id: 'string|null',
  affected_components: 'array|null',
};
const MAINTENANCE: Record<string, Kind> = { ...INCIDENT, scheduled_for: 'iso', scheduled_until: 'iso' };

function isIso(v: unknown) {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v));
}

function checkFields(obj: any, spec: Record<string, Kind>, where: string) {
  expect(obj, where).to.be.an('object');
  for (const [key, kind] of Object.entries(spec)) {
    const at = `${where}.${key}`;
    expect(obj, at).to.have.own.property(key);
    const v = obj[key];
    switch (kind) {
      case 'string':
        expect(v, at).to.be.a('string');
        break;
      case 'string|null':
        if (v !== null) expect(v, at).to.be.a('string');
        break;
      case 'iso':
        expect(isIso(v), `${at} = ${JSON.stringify(v)} is ISO-8601`).to.equal(true);
        break;
      case 'iso|null':
        if (v !== null) expect(isIso(v), `${at} = ${JSON.stringify(v)} is ISO-8601`).to.equal(true);
        break;
      case 'date|null':
        if (v !== null) expect(v, at).to.match(/^\d{4}-\d{2}-\d{2}$/);
        break;
      case 'int':
        expect(Number.isInteger(v), `${at} = ${JSON.stringify(v)} is an integer`).to.equal(true);
        break;
      case 'bool':
        expect(v, at).to.be.a('boolean');
        break;
      case 'array':
        expect(v, at).to.be.an('array');
        break;
      case 'array|null':
        if (v !== null) expect(v, at).to.be.an('array');
        break;
    }
  }
}

function checkPage(page: any, where: string) {
  checkFields(page, PAGE, where);
  expect(() => new Intl.DateTimeFormat('en-US', { timeZone: page.time_zone }), `${where}.time_zone is an IANA name`).not.to.throw();
  expect(page.time_zone).to.match(/^[A-Za-z_]+\/[A-Za-z_]+/);
}

function checkStatus(status: any, where: string) {
  expect(status, where).to.have.all.keys('indicator', 'description');
  expect(INDICATORS, `${where}.indicator`).to.include(status.indicator);
  expect(DESCRIPTIONS, `${where}.description`).to.include(status.description);
}

function checkComponent(c: any, where: string) {
  checkFields(c, COMPONENT, where);
  expect(COMPONENT_STATUSES, `${where}.status`).to.include(c.status);
  if (c.group === true && c.components !== undefined) {
    expect(c.components, `${where}.components`).to.be.an('array');
    for (const id of c.components) expect(id, `${where}.components[]`).to.be.a('string');
  }
}

function checkUpdate(u: any, statuses: string[], where: string) {
  checkFields(u, UPDATE, where);
  expect(statuses, `${where}.status`).to.include(u.status);
  if (u.affected_components !== null) {
    for (const [k, a] of (u.affected_components as any[]).entries()) {
      const at = `${where}.affected_components[${k}]`;
      expect(a, at).to.have.all.keys('code', 'name', 'old_status', 'new_status');
      expect(a.code, at).to.be.a('string');
      expect(a.name, at).to.be.a('string');
      expect(COMPONENT_STATUSES, `${at}.old_status`).to.include(a.old_status);
      expect(COMPONENT_STATUSES, `${at}.new_status`).to.include(a.new_status);
    }
  }
}

function checkNewestFirst(updates: any[], where: string) {
  for (let i = 1; i < updates.length; i++) {
    expect(Date.parse(updates[i - 1].created_at), `${where} newest first`).to.be.at.least(Date.parse(updates[i].created_at));
  }
}

function checkIncident(i: any, where: string) {
  checkFields(i, INCIDENT, where);
  if (i.status === 'postmortem') checkFields(i, POSTMORTEM, where);
  expect(INCIDENT_STATUSES, `${where}.status`).to.include(i.status);
  expect(IMPACTS, `${where}.impact`).to.include(i.impact);
  if (i.status !== 'monitoring' && i.status !== 'resolved' && i.status !== 'postmortem') expect(i.monitoring_at, `${where}.monitoring_at`).to.equal(null);
  if (i.status !== 'resolved' && i.status !== 'postmortem') expect(i.resolved_at, `${where}.resolved_at`).to.equal(null);
  i.components.forEach((c: any, k: number) => checkComponent(c, `${where}.components[${k}]`));
  i.incident_updates.forEach((u: any, k: number) => checkUpdate(u, INCIDENT_STATUSES, `${where}.incident_updates[${k}]`));
  checkNewestFirst(i.incident_updates, `${where}.incident_updates`);
}

function checkMaintenance(m: any, where: string) {
  checkFields(m, MAINTENANCE, where);
  expect(MAINTENANCE_STATUSES, `${where}.status`).to.include(m.status);
  // Real Statuspage reports impact "maintenance" for scheduled maintenances; the incident words are allowed too.
  expect([...IMPACTS, 'maintenance'], `${where}.impact`).to.include(m.impact);
  m.components.forEach((c: any, k: number) => checkComponent(c, `${where}.components[${k}]`));
  m.incident_updates.forEach((u: any, k: number) => checkUpdate(u, MAINTENANCE_STATUSES, `${where}.incident_updates[${k}]`));
  checkNewestFirst(m.incident_updates, `${where}.incident_updates`);
}

describe('Statuspage v2 shapes (../shared/statuspage-v2-shapes.md) and no staff-only leaks', () => {
  let s: TestServer;
  const anon = () => new Client(s.baseUrl);
  before(async () => (s = await startTestServer({ now: NOW })));
  after(() => s.close());

  let email: string;
  let adminEmail: string;
  let groupId: string;
  let memberId: string;
  let loneId: string;
  let incidentId: string;
  let maintenanceId: string;

  beforeEach(async () => {
    s.clock.set(NOW);
    const regular = await staff('regular');
    const admin = await staff('admin');
    email = regular.email;
    adminEmail = admin.email;
    const api = new Client(s.baseUrl, regular.token);
    const adm = new Client(s.baseUrl, admin.token);

    const group = await adm.post('/api/v1/components', { name: 'Platform', group: true });
    expect(group.status, group.text).to.equal(201);
    groupId = group.body.id;
    const member = await adm.post('/api/v1/components', { name: 'API', group_id: groupId, description: 'Public REST API' });
    expect(member.status, member.text).to.equal(201);
    memberId = member.body.id;
    const lone = await adm.post('/api/v1/components', { name: 'Website', start_date: '2026-01-15' });
    expect(lone.status, lone.text).to.equal(201);
    loneId = lone.body.id;

    const inc = await api.post('/api/v1/incidents', {
      title: 'API errors',
      severity: 2,
      message: 'Elevated error rates',
      components: [{ id: memberId, status: 'partial_outage' }],
      note: 'SECRET-2',
    });
    expect(inc.status, inc.text).to.equal(201);
    incidentId = inc.body.id;
    const note = await api.post(`/api/v1/incidents/${incidentId}/notes`, { body: 'SECRET-NOTE' });
    expect(note.status, note.text).to.equal(201);

    const m = await api.post('/api/v1/maintenances', {
      title: 'Database upgrade',
      body: 'Upgrading the primary database',
      scheduled_for: '2026-12-06T03:00:00Z',
      scheduled_until: '2026-12-06T06:30:00Z',
      components: [loneId],
    });
    expect(m.status, m.text).to.equal(201);
    maintenanceId = m.body.id;

    await s.runtime.dispatcher.drain();
    await s.runtime.snapshot.rebuild();
  });

  it('the shapes document lists exactly the paths this test checks', () => {
    // A copy of ../shared/statuspage-v2-shapes.md, so a clone tests without shared/ beside it.
    const doc = readFileSync(path.resolve(process.cwd(), 'test/fixtures/statuspage-v2-shapes.md'), 'utf8');
    const listed = [...doc.matchAll(/^\|\s*`([a-z/-]+\.json)`\s*\|/gm)].map((m) => m[1]);
    expect(listed).to.have.members(Object.keys(TOP_LEVEL));
  });

  it('every /api/v2 path answers 200 with exactly the documented top-level keys', async () => {
    for (const [p, keys] of Object.entries(TOP_LEVEL)) {
      const res = await anon().get(`/api/v2/${p}`);
      expect(res.status, p).to.equal(200);
      expect(res.headers.get('content-type'), p).to.include('application/json');
      expect(res.body, p).to.have.all.keys(...keys);
      checkPage(res.body.page, `${p} page`);
      if ('status' in res.body) checkStatus(res.body.status, `${p} status`);
      for (const [k, c] of (res.body.components ?? []).entries()) checkComponent(c, `${p} components[${k}]`);
      for (const [k, i] of (res.body.incidents ?? []).entries()) checkIncident(i, `${p} incidents[${k}]`);
      for (const [k, m] of (res.body.scheduled_maintenances ?? []).entries()) checkMaintenance(m, `${p} scheduled_maintenances[${k}]`);
    }
  });

  it('summary: page, status, components incl. the group row, the incident and the maintenance', async () => {
    const { body } = await anon().get('/api/v2/summary.json');
    expect(body.page.id).to.be.a('string').and.not.equal('');
    expect(body.status).to.deep.equal({ indicator: 'major', description: 'Partial System Outage' });

    const byId = new Map<string, any>(body.components.map((c: any) => [c.id, c]));
    expect([...byId.keys()]).to.have.members([groupId, memberId, loneId]);
    const group = byId.get(groupId);
    expect(group.group).to.equal(true);
    expect(group.group_id).to.equal(null);
    expect(group.components).to.deep.equal([memberId]);
    const member = byId.get(memberId);
    expect(member).to.deep.include({ name: 'API', status: 'partial_outage', group: false, group_id: groupId, description: 'Public REST API', page_id: body.page.id });
    expect(member).not.to.have.property('components');
    expect(byId.get(loneId)).to.deep.include({ status: 'operational', start_date: '2026-01-15', description: null, group_id: null });

    expect(body.incidents).to.have.length(1);
    const inc = body.incidents[0];
    expect(inc).to.deep.include({ id: incidentId, name: 'API errors', status: 'investigating', impact: 'major', monitoring_at: null, resolved_at: null, page_id: body.page.id });
    expect(inc.shortlink).to.match(new RegExp(`/incidents/${incidentId}$`));
    expect(inc.components.map((c: any) => c.id)).to.deep.equal([memberId]);
    expect(inc.incident_updates).to.have.length(1);
    const u = inc.incident_updates[0];
    expect(u).to.deep.include({ incident_id: incidentId, status: 'investigating', body: 'Elevated error rates', deliver_notifications: true, custom_tweet: null, tweet_id: null });
    expect(u.affected_components).to.deep.equal([{ code: memberId, name: 'API', old_status: 'operational', new_status: 'partial_outage' }]);

    expect(body.scheduled_maintenances).to.have.length(1);
    const m = body.scheduled_maintenances[0];
    expect(m).to.deep.include({
      id: maintenanceId,
      name: 'Database upgrade',
      status: 'scheduled',
      scheduled_for: '2026-12-06T03:00:00.000Z',
      scheduled_until: '2026-12-06T06:30:00.000Z',
      resolved_at: null,
    });
    expect(m.components.map((c: any) => c.id)).to.deep.equal([loneId]);
    expect(m.incident_updates.map((x: any) => x.status)).to.deep.equal(['scheduled']);
    // Announcing maintenance changes no component yet: the scheduled update shows that (operational → operational).
    expect(m.incident_updates[0].affected_components).to.deep.equal([{ code: loneId, name: 'Website', old_status: 'operational', new_status: 'operational' }]);
    expect(m.started_at, 'when it was posted').to.equal(NOW.replace('Z', '.000Z'));
    expect(m.incident_updates[0].id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  // Timestamps, a documented choice: real Statuspage pages write each instant with the offset of
  // page.time_zone (e.g. "2026-11-29T07:00:00.000-05:00" on an America/New_York page). Beacon writes
  // the same instants in UTC ("2026-11-29T12:00:00.000Z"): equally valid ISO-8601 / RFC 3339, read
  // the same by every client (Date.parse, time.Parse, datetime.fromisoformat), never ambiguous across
  // daylight-saving changes; page.time_zone (an IANA name) tells clients the zone to show them in.
  it('timestamps: every *_at, scheduled_for/until is UTC ISO-8601 with milliseconds, round-tripping', async () => {
    const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    const stamps: string[] = [];
    const walk = (v: unknown, key = ''): void => {
      if (Array.isArray(v)) return v.forEach((x) => walk(x));
      if (v && typeof v === 'object') return Object.entries(v).forEach(([k, x]) => walk(x, k));
      if (/_at$|^scheduled_(for|until)$/.test(key) && v !== null) stamps.push(v as string);
    };
    for (const p of Object.keys(TOP_LEVEL)) walk((await anon().get(`/api/v2/${p}`)).body);
    expect(stamps.length).to.be.greaterThan(20);
    for (const t of stamps) {
      expect(t).to.match(UTC);
      expect(new Date(t).toISOString()).to.equal(t);
    }
  });

  it('lists put each object where the document says', async () => {
    const ids = async (p: string, key: string) => (await anon().get(`/api/v2/${p}`)).body[key].map((x: any) => x.id);
    expect(await ids('incidents.json', 'incidents')).to.deep.equal([incidentId]);
    expect(await ids('incidents/unresolved.json', 'incidents')).to.deep.equal([incidentId]);
    expect(await ids('scheduled-maintenances.json', 'scheduled_maintenances')).to.deep.equal([maintenanceId]);
    expect(await ids('scheduled-maintenances/upcoming.json', 'scheduled_maintenances')).to.deep.equal([maintenanceId]);
    expect(await ids('scheduled-maintenances/active.json', 'scheduled_maintenances')).to.deep.equal([]);
    expect((await anon().get('/api/v2/status.json')).body.status.indicator).to.equal('major');
  });

  it('no public surface carries internal notes or staff e-mail addresses', async () => {
    const paths = [
      ...Object.keys(TOP_LEVEL).map((p) => `/api/v2/${p}`),
      '/api/v1/announcements',
      '/',
      `/incidents/${incidentId}`,
      '/history',
      '/history?month=2026-11',
      '/history.rss',
    ];
    for (const p of paths) {
      const res = await anon().get(p, p.startsWith('/api/') || p.endsWith('.rss') ? {} : { accept: 'text/html' });
      expect(res.status, p).to.equal(200);
      // Sanity: the page really is about the incident, so an absent secret means something.
      if (p !== '/api/v2/status.json' && !p.includes('scheduled-maintenances') && p !== '/api/v2/components.json') expect(res.text, p).to.include('API errors');
      expect(res.text, p).not.to.include('SECRET');
      expect(res.text.toLowerCase(), p).not.to.include(email.toLowerCase());
      expect(res.text.toLowerCase(), p).not.to.include(adminEmail.toLowerCase());
    }
  });

  it('a published postmortem adds the Statuspage postmortem fields (status postmortem); a draft never shows', async () => {
    const api = new Client(s.baseUrl, (await staff('regular')).token);
    expect((await api.post(`/api/v1/incidents/${incidentId}/updates`, { status: 'resolved', message: 'Fixed' })).status).to.equal(201);
    expect((await api.put(`/api/v1/incidents/${incidentId}/postmortem`, { body: 'SECRET-DRAFT' })).status).to.equal(200);
    await s.runtime.dispatcher.drain();
    await s.runtime.snapshot.rebuild();
    for (const p of ['incidents.json', 'summary.json']) expect((await anon().get(`/api/v2/${p}`)).text, p).not.to.include('SECRET-DRAFT');
    expect((await api.put(`/api/v1/incidents/${incidentId}/postmortem`, { body: '## Cause\n\nA full disk.' })).status).to.equal(200);
    expect((await api.post(`/api/v1/incidents/${incidentId}/postmortem/publish`, { notify: false })).status).to.equal(200);
    await s.runtime.dispatcher.drain();
    await s.runtime.snapshot.rebuild();
    const inc = (await anon().get('/api/v2/incidents.json')).body.incidents.find((i: any) => i.id === incidentId);
    checkIncident(inc, 'incidents.json incident');
    expect(inc).to.include({ status: 'postmortem', postmortem_body: '## Cause\n\nA full disk.', postmortem_ignored: false, postmortem_notified_subscribers: false });
    const unresolved = (await anon().get('/api/v2/incidents/unresolved.json')).body.incidents.map((x: any) => x.id);
    expect(unresolved).not.to.include(incidentId);
  });
});

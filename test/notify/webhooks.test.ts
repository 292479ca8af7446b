import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { auditLog, deliveries, webhookEndpoints } from '../../server/db/schema.js';
import { verifyWebhook } from '../../server/notify/webhookSignature.js';
import { Receiver } from '../support/webhookReceiver.js';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z';

describe('webhooks', () => {
  let s: TestServer;
  let rx: Receiver;
  let admin: Client;
  let api: Client;
  before(async () => {
    // The receiver is on loopback: allowed only because this says so (see webhookTargets.test.ts).
    s = await startTestServer({ now: NOW, env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    rx = new Receiver();
    await rx.start();
  });
  after(async () => {
    await rx.close();
    await s.close();
  });
  beforeEach(async () => {
    s.clock.set(NOW);
    rx.hits = [];
    rx.answer = { status: 204 };
    admin = new Client(s.baseUrl, (await staff('admin')).token);
    api = new Client(s.baseUrl, (await staff('regular')).token);
  });

  async function endpoint(body: Record<string, unknown> = {}) {
    const res = await admin.post('/api/v1/webhooks', { url: rx.url, description: 'ops bot', ...body });
    expect(res.status, res.text).to.equal(201);
    rx.secret = res.body.secret;
    return res.body;
  }
  async function file(body: Record<string, unknown> = {}) {
    const res = await api.post('/api/v1/incidents', { title: 'Checkout is failing', severity: 2, message: 'We are investigating.', ...body });
    expect(res.status, res.text).to.equal(201);
    return res.body;
  }
  const webhookRows = () => s.deps.database.db.select().from(deliveries).where(eq(deliveries.channel, 'webhook'));

  it('creates an endpoint with a one-time secret, never listed or audited', async () => {
    const hook = await endpoint();
    expect(hook.secret).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(hook).to.include({ url: rx.url, description: 'ops bot', active: true, components: null });
    const list = await admin.get('/api/v1/webhooks');
    expect(list.body.webhooks).to.have.length(1);
    expect(list.body.webhooks[0]).to.not.have.property('secret');
    const audit = await s.deps.database.db.select().from(auditLog).where(eq(auditLog.subjectId, hook.id));
    expect(audit.map((a) => a.action)).to.deep.equal(['webhook.create']);
    expect(JSON.stringify(audit)).to.not.include(hook.secret);
    const bad = await admin.post('/api/v1/webhooks', { url: 'ftp://example.com/x' });
    expect(bad.status).to.equal(400);
  });

  it('delivers one signed POST with the public incident and the headers', async () => {
    await endpoint();
    const inc = await file();
    await s.runtime.dispatcher.drain();
    expect(rx.hits).to.have.length(1);
    const [hit] = rx.hits;
    expect(hit!.valid).to.equal(true);
    const [row] = await webhookRows();
    expect(row).to.include({ status: 'delivered', attempts: 1 });
    expect(hit!.headers['content-type']).to.equal('application/json');
    expect(hit!.headers['user-agent']).to.equal('Beacon-Webhooks/1');
    expect(hit!.headers['x-beacon-event']).to.equal('incident.created');
    expect(hit!.headers['x-beacon-delivery']).to.equal(row!.idempotencyKey);
    expect(hit!.headers['x-beacon-timestamp']).to.equal(String(Date.parse(NOW) / 1000));
    expect(hit!.body).to.include({ id: row!.idempotencyKey, type: 'incident.created' });
    const pub = hit!.body.data.incident;
    expect(pub).to.include({ id: inc.id, name: 'Checkout is failing', status: 'investigating', impact: 'major' });
    expect(pub.incident_updates[0].body).to.equal('We are investigating.');
    for (const staffOnly of ['sla', 'timeline', 'owner', 'severity', 'notes']) expect(pub).to.not.have.property(staffOnly);
    // Signature check catches tampering.
    expect(verifyWebhook(rx.secret, hit!.headers['x-beacon-timestamp'] as string, hit!.raw.replace('Checkout', 'Checkin'), hit!.headers['x-beacon-signature'] as string)).to.equal(false);
  });

  it('respects the component filter', async () => {
    const web = await component('Web');
    const db = await component('Database');
    await endpoint({ components: [db.id] });
    await file({ components: [{ id: web.id, status: 'partial_outage' }] });
    await s.runtime.dispatcher.drain();
    const onWeb = rx.hits.filter((h) => h.body.type.startsWith('incident.'));
    expect(onWeb).to.have.length(0);
    await file({ title: 'DB slow', components: [{ id: db.id, status: 'degraded_performance' }] });
    await s.runtime.dispatcher.drain();
    const incidents = rx.hits.filter((h) => h.body.type === 'incident.created');
    expect(incidents).to.have.length(1);
    expect(incidents[0]!.body.data.incident.name).to.equal('DB slow');
  });

  it('component changes go to endpoints watching that component', async () => {
    const web = await component('Web');
    await endpoint({ components: [web.id] });
    const res = await admin.patch(`/api/v1/components/${web.id}`, { status: 'major_outage' });
    expect(res.status).to.equal(200);
    await s.runtime.dispatcher.drain();
    expect(rx.hits.map((h) => h.body.type)).to.deep.equal(['component.changed']);
    expect(rx.hits[0]!.body.data.component).to.include({ id: web.id, status: 'major_outage' });
  });

  it('a receiver 500 is retried with backoff and delivered later under the same id', async () => {
    await endpoint();
    rx.answer = { status: 500 };
    await file();
    await s.runtime.dispatcher.drain();
    expect(rx.hits).to.have.length(1);
    let [row] = await webhookRows();
    expect(row).to.include({ status: 'pending', attempts: 1 });
    expect(row!.lastError).to.include('HTTP 500');
    expect(row!.nextAttemptAt.getTime()).to.be.greaterThan(Date.parse(NOW));
    await s.runtime.dispatcher.drain();
    expect(rx.hits).to.have.length(1); // not due yet
    rx.answer = { status: 200 };
    s.clock.set(new Date(row!.nextAttemptAt.getTime() + 1000));
    await s.runtime.dispatcher.drain();
    expect(rx.hits).to.have.length(2);
    expect(rx.hits[1]!.valid).to.equal(true);
    expect(rx.hits[1]!.headers['x-beacon-delivery']).to.equal(rx.hits[0]!.headers['x-beacon-delivery']);
    expect(rx.hits[1]!.body.id).to.equal(rx.hits[0]!.body.id);
    [row] = await webhookRows();
    expect(row).to.include({ status: 'delivered', attempts: 2 });
  });

  it('429 with Retry-After reschedules without spending an attempt; 400 is permanent', async () => {
    await endpoint();
    rx.answer = { status: 429, headers: { 'Retry-After': '120' } };
    await file();
    await s.runtime.dispatcher.drain();
    let [row] = await webhookRows();
    expect(row).to.include({ status: 'pending', attempts: 0 });
    expect(row!.nextAttemptAt.toISOString()).to.equal('2026-11-29T12:02:00.000Z');
    rx.answer = { status: 400 };
    s.clock.set('2026-11-29T12:02:00Z');
    await s.runtime.dispatcher.drain();
    [row] = await webhookRows();
    expect(row).to.include({ status: 'dead', attempts: 1 });
  });

  it('410 Gone kills the delivery and deactivates the endpoint', async () => {
    const hook = await endpoint();
    rx.answer = { status: 410 };
    await file();
    await s.runtime.dispatcher.drain();
    const [row] = await webhookRows();
    expect(row).to.include({ status: 'dead', attempts: 1 });
    const [ep] = await s.deps.database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, hook.id));
    expect(ep!.active).to.equal(false);
    await file({ title: 'Another' });
    await s.runtime.dispatcher.drain();
    expect(rx.hits).to.have.length(1); // inactive endpoints get nothing new
  });

  it('a quiet update sends nothing; a loud one does', async () => {
    await endpoint();
    const inc = await file({ deliver_notifications: false });
    await s.runtime.dispatcher.drain();
    expect(rx.hits).to.have.length(0);
    const quiet = await api.post(`/api/v1/incidents/${inc.id}/updates`, { status: 'identified', message: 'Found it.', deliver_notifications: false });
    expect(quiet.status, quiet.text).to.equal(201);
    await s.runtime.dispatcher.drain();
    expect(rx.hits).to.have.length(0);
    await api.post(`/api/v1/incidents/${inc.id}/updates`, { status: 'resolved', message: 'Fixed.' });
    await s.runtime.dispatcher.drain();
    expect(rx.hits.map((h) => h.body.type)).to.deep.equal(['incident.resolved']);
    expect(rx.hits[0]!.body.data.incident.status).to.equal('resolved');
  });

  it('the test button pings synchronously and reports the answer', async () => {
    const hook = await endpoint();
    rx.answer = { status: 202 };
    const ok = await admin.post(`/api/v1/webhooks/${hook.id}/test`);
    expect(ok.status).to.equal(200);
    expect(ok.body).to.include({ delivered: true, status: 202, ok: true });
    expect(ok.body.response_ms).to.be.a('number');
    expect(rx.hits).to.have.length(1);
    expect(rx.hits[0]!.valid).to.equal(true);
    expect(rx.hits[0]!.headers['x-beacon-event']).to.equal('ping');
    expect(rx.hits[0]!.body).to.include({ type: 'ping' });
    rx.answer = { status: 503 };
    expect((await admin.post(`/api/v1/webhooks/${hook.id}/test`)).body).to.include({ delivered: true, status: 503, ok: false });
    const off = await admin.patch(`/api/v1/webhooks/${hook.id}`, { url: 'http://127.0.0.1:1/none' });
    expect(off.status).to.equal(200);
    const down = await admin.post(`/api/v1/webhooks/${hook.id}/test`);
    expect(down.body).to.deep.equal({ delivered: false, status: null, ok: false });
  });

  it('updates and deletes; only admins may manage webhooks', async () => {
    const web = await component('Web');
    const hook = await endpoint();
    const up = await admin.patch(`/api/v1/webhooks/${hook.id}`, { components: [web.id], active: false, description: null });
    expect(up.body).to.include({ active: false, description: null });
    expect(up.body.components).to.deep.equal([web.id]);
    for (const [method, path] of [['GET', '/webhooks'], ['POST', '/webhooks'], ['PATCH', `/webhooks/${hook.id}`], ['DELETE', `/webhooks/${hook.id}`], ['POST', `/webhooks/${hook.id}/test`]] as const) {
      const res = await api.request(method, `/api/v1${path}`, method === 'GET' || method === 'DELETE' ? undefined : { url: rx.url });
      expect(res.status, `${method} ${path}`).to.equal(403);
    }
    expect((await new Client(s.baseUrl).get('/api/v1/webhooks')).status).to.equal(401);
    expect((await admin.delete(`/api/v1/webhooks/${hook.id}`)).status).to.equal(204);
    expect((await admin.get('/api/v1/webhooks')).body.webhooks).to.deep.equal([]);
    expect((await admin.delete(`/api/v1/webhooks/${hook.id}`)).status).to.equal(404);
  });
});

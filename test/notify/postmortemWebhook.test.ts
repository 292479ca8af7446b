import { expect } from 'chai';
import { Receiver } from '../support/webhookReceiver.js';
import { Client } from '../support/client.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('webhooks: postmortem published', () => {
  let s: TestServer;
  let rx: Receiver;
  before(async () => {
    s = await startTestServer({ now: '2026-11-29T12:00:00.000Z' });
    rx = new Receiver();
    await rx.start();
  });
  after(async () => {
    await rx.close();
    await s.close();
  });

  it('sends a signed incident.postmortem_published event with the v2 postmortem fields when notify is true, and nothing without it', async () => {
    const admin = new Client(s.baseUrl, (await staff('admin')).token);
    const hook = await admin.post('/api/v1/webhooks', { url: rx.url });
    expect(hook.status, hook.text).to.equal(201);
    rx.secret = hook.body.secret;
    const id = (await admin.post('/api/v1/incidents', { title: 'Outage', severity: 1, message: 'Looking.', deliver_notifications: false })).body.id;
    await admin.post(`/api/v1/incidents/${id}/updates`, { status: 'resolved', message: 'Fixed.', deliver_notifications: false });
    await admin.put(`/api/v1/incidents/${id}/postmortem`, { body: 'Cause: a full disk.' });
    await admin.post(`/api/v1/incidents/${id}/postmortem/publish`, { notify: false });
    await s.runtime.dispatcher.drain();
    expect(rx.hits.filter((h) => h.body.type === 'incident.postmortem_published'), 'notify false').to.have.length(0);

    await admin.post(`/api/v1/incidents/${id}/postmortem/publish`, { notify: true });
    await s.runtime.dispatcher.drain();
    const hits = rx.hits.filter((h) => h.body.type === 'incident.postmortem_published');
    expect(hits).to.have.length(1);
    expect(hits[0]!.valid).to.equal(true);
    expect(hits[0]!.body.data.incident).to.include({ id, status: 'postmortem', postmortem_body: 'Cause: a full disk.', postmortem_notified_subscribers: true });
  });
});

import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { auditLog, subscribers } from '../../server/db/schema.js';
import { Client } from '../support/client.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { recipient, startSmtp, type FakeSmtp } from '../support/smtp.js';

const NOW = '2026-11-29T12:00:00.000Z';
const HOSTILE = [
  '# What happened',
  '',
  'A **bad deploy**. <script>alert(1)</script> <img src=x onerror="alert(2)"> <iframe src="https://evil.example"></iframe>',
  '',
  '[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox) [ok](https://example.com/report) ![pixel](https://evil.example/p.gif)',
  '',
  '<a href="javascript:alert(4)">raw link</a>',
].join('\n');

describe('postmortems', () => {
  let smtp: FakeSmtp;
  let s: TestServer;
  let api: Client;
  const anon = () => new Client(s.baseUrl);
  const settle = async () => {
    await s.runtime.dispatcher.drain();
    await s.runtime.snapshot.rebuild();
  };

  before(async () => {
    smtp = await startSmtp();
    s = await startTestServer({ now: NOW, env: { SMTP_URL: smtp.url, MAIL_FROM: 'Status <status@example.com>' } });
  });
  after(async () => {
    await s.close();
    await smtp.close();
  });
  beforeEach(async () => {
    smtp.messages.length = 0;
    api = new Client(s.baseUrl, (await staff('regular')).token);
  });

  async function resolvedIncident(title = 'Payments failing') {
    const inc = (await api.post('/api/v1/incidents', { title, severity: 1, message: 'Looking.' })).body;
    const res = await api.post(`/api/v1/incidents/${inc.id}/updates`, { status: 'resolved', message: 'Fixed.' });
    expect(res.status, res.text).to.equal(201);
    return inc.id as string;
  }
  const v2Incident = async (id: string) => (await anon().get('/api/v2/incidents.json')).body.incidents.find((i: any) => i.id === id);

  it('drafts privately, publishes to the v2 API and the public page, and republishes edits', async () => {
    const id = await resolvedIncident();
    const saved = await api.put(`/api/v1/incidents/${id}/postmortem`, { body: '# Root cause\n\nA **bad deploy**.' });
    expect(saved.status, saved.text).to.equal(200);
    expect(saved.body.postmortem).to.deep.include({ draft: '# Root cause\n\nA **bad deploy**.', body: null, published_at: null });

    // A draft is not public.
    await settle();
    const before = await v2Incident(id);
    expect(before.status).to.equal('resolved');
    expect(before).not.to.have.property('postmortem_body');
    expect((await anon().get(`/incidents/${id}`, { accept: 'text/html' })).text).not.to.include('Root cause');

    s.clock.advance(60_000);
    const pub = await api.post(`/api/v1/incidents/${id}/postmortem/publish`, {});
    expect(pub.status, pub.text).to.equal(200);
    expect(pub.body.postmortem).to.include({ body: '# Root cause\n\nA **bad deploy**.', published_at: '2026-11-29T12:01:00.000Z', notified_at: null });
    await settle();
    const after = await v2Incident(id);
    expect(after).to.include({
      status: 'postmortem',
      postmortem_body: '# Root cause\n\nA **bad deploy**.',
      postmortem_body_last_updated_at: '2026-11-29T12:01:00.000Z',
      postmortem_published_at: '2026-11-29T12:01:00.000Z',
      postmortem_ignored: false,
      postmortem_notified_subscribers: false,
    });
    const page = await anon().get(`/incidents/${id}`, { accept: 'text/html' });
    expect(page.text).to.include('<h1>Root cause</h1>').and.include('<strong>bad deploy</strong>');
    expect(smtp.messages, 'no notify, no mail').to.have.length(0);

    // Edits stay private until published again; the first publish time is kept.
    await api.put(`/api/v1/incidents/${id}/postmortem`, { body: 'Second version' });
    expect((await v2Incident(id)).postmortem_body).to.equal('# Root cause\n\nA **bad deploy**.');
    s.clock.advance(60_000);
    await api.post(`/api/v1/incidents/${id}/postmortem/publish`, {});
    await settle();
    expect(await v2Incident(id)).to.include({ postmortem_body: 'Second version', postmortem_body_last_updated_at: '2026-11-29T12:02:00.000Z', postmortem_published_at: '2026-11-29T12:01:00.000Z' });
    const actions = (await s.deps.database.db.select().from(auditLog).where(eq(auditLog.subjectId, id))).map((r) => r.action);
    expect(actions.filter((a) => a.startsWith('incident.postmortem'))).to.deep.equal(['incident.postmortem_save', 'incident.postmortem_publish', 'incident.postmortem_save', 'incident.postmortem_publish']);
  });

  it('lets no script, raw HTML or javascript: link through to the public page', async () => {
    const id = await resolvedIncident('XSS check');
    expect((await api.put(`/api/v1/incidents/${id}/postmortem`, { body: HOSTILE })).status).to.equal(200);
    expect((await api.post(`/api/v1/incidents/${id}/postmortem/publish`, {})).status).to.equal(200);
    await settle();
    const html = (await anon().get(`/incidents/${id}`, { accept: 'text/html' })).text;
    const section = html.slice(html.indexOf('class="postmortem-body"'), html.indexOf('</section>'));
    expect(section).to.include('<strong>bad deploy</strong>');
    expect(section).to.include('<a href="https://example.com/report" rel="noopener noreferrer nofollow">ok</a>');
    expect(section).not.to.match(/<script|<img|<iframe|<[a-z][^>]*\son\w+=|href="(javascript|data|vbscript):/i);
    expect(section).not.to.match(/<a href="javascript/i);
    expect(section).to.include('&lt;script&gt;'); // shown as text, not run
  });

  it('notifies subscribers by e-mail when asked (real SMTP on loopback)', async () => {
    const now = new Date(NOW);
    await s.deps.database.db.insert(subscribers).values({ email: 'pm-reader@example.com', confirmedAt: now, createdAt: now, updatedAt: now });
    const id = await resolvedIncident('Login outage');
    await settle();
    smtp.messages.length = 0;
    await api.put(`/api/v1/incidents/${id}/postmortem`, { body: 'We rotated a certificate too early.' });
    const pub = await api.post(`/api/v1/incidents/${id}/postmortem/publish`, { notify: true });
    expect(pub.status, pub.text).to.equal(200);
    await settle();
    const mail = smtp.messages.find((m) => recipient(m) === 'pm-reader@example.com');
    expect(mail, 'a postmortem mail').to.not.equal(undefined);
    expect(mail!.subject).to.equal('[Beacon] Postmortem: Login outage');
    expect(mail!.text).to.include('We rotated a certificate too early.').and.include(`/incidents/${id}`);
    expect((await v2Incident(id)).postmortem_notified_subscribers).to.equal(true);
  });

  it('refuses open incidents, publishing without a draft, bad input and observers, changing nothing', async () => {
    const open = (await api.post('/api/v1/incidents', { title: 'Open', severity: 2, message: 'Looking.' })).body.id;
    const notResolved = await api.put(`/api/v1/incidents/${open}/postmortem`, { body: 'x' });
    expect(notResolved.status).to.equal(422);
    expect(notResolved.body.error.code).to.equal('incident_not_resolved');
    const id = await resolvedIncident('Empty');
    const missing = await api.post(`/api/v1/incidents/${id}/postmortem/publish`, {});
    expect(missing.status).to.equal(422);
    expect(missing.body.error.code).to.equal('postmortem_missing');
    expect((await api.put(`/api/v1/incidents/${id}/postmortem`, { body: '' })).status).to.equal(400);
    expect((await api.put(`/api/v1/incidents/${id}/postmortem`, { body: 'x', extra: 1 })).status).to.equal(400);
    expect((await api.post(`/api/v1/incidents/${id}/postmortem/publish`, { notify: 'yes' })).status).to.equal(400);
    expect((await api.put('/api/v1/incidents/00000000-0000-4000-8000-000000000000/postmortem', { body: 'x' })).status).to.equal(404);
    const observer = new Client(s.baseUrl, (await staff('observer')).token);
    expect((await observer.put(`/api/v1/incidents/${id}/postmortem`, { body: 'x' })).status).to.equal(403);
    expect((await anon().put(`/api/v1/incidents/${id}/postmortem`, { body: 'x' })).status).to.equal(401);
    expect((await api.get(`/api/v1/incidents/${id}`)).body.postmortem.draft).to.equal(null);
  });
});

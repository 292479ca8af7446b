import { expect } from 'chai';
import { Client } from '../support/client.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('console: SLA report postmortems', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer({ now: '2026-11-29T12:00:00Z' })));
  after(() => s.close());

  it('links published postmortems and lists resolved severity 1–2 incidents still lacking one', async () => {
    const who = await staff('regular');
    const api = new Client(s.baseUrl, who.token);
    const file = async (title: string, severity: number) => {
      const id = (await api.post('/api/v1/incidents', { title, severity, message: 'Looking.' })).body.id as string;
      expect((await api.post(`/api/v1/incidents/${id}/updates`, { status: 'resolved', message: 'Fixed.' })).status).to.equal(201);
      return id;
    };
    const done = await file('Database down', 1);
    await api.put(`/api/v1/incidents/${done}/postmortem`, { body: 'Cause.' });
    await api.post(`/api/v1/incidents/${done}/postmortem/publish`, {});
    const drafted = await file('Search slow', 2);
    await api.put(`/api/v1/incidents/${drafted}/postmortem`, { body: 'Draft.' });
    const none = await file('Logins failing', 1);
    await file('Typo on page', 4);

    const c = new Client(s.baseUrl);
    await c.form('/console/login', { email: who.email, password: PASSWORD });
    const page = await c.get('/console/reports/sla?from=2026-11-01&to=2026-11-30', { accept: 'text/html' });
    expect(page.status).to.equal(200);
    const missing = page.text.slice(page.text.indexOf('class="postmortems-missing"'), page.text.indexOf('</ul>', page.text.indexOf('class="postmortems-missing"')));
    expect(missing).to.include(`/console/incidents/${none}#postmortem`).and.include(`/console/incidents/${drafted}#postmortem`);
    expect(missing).not.to.include(done);
    expect(missing).not.to.include('Typo on page');
    expect(page.text).to.include('2 resolved severity 1–2 incident(s) still lack a published postmortem');
    expect(page.text).to.include(`<a href="/incidents/${done}#postmortem-heading">Published</a>`);
  });
});

import { expect } from 'chai';
import { Client } from '../support/client.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('console: postmortem editor', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer({ now: '2026-11-29T12:00:00Z' })));
  after(() => s.close());

  async function login(role: 'observer' | 'regular') {
    const who = await staff(role);
    const c = new Client(s.baseUrl);
    await c.form('/console/login', { email: who.email, password: PASSWORD });
    return { c, api: new Client(s.baseUrl, who.token) };
  }

  it('previews without saving, saves a private draft, publishes it; hostile Markdown is rendered harmless', async () => {
    const { c, api } = await login('regular');
    const id = (await api.post('/api/v1/incidents', { title: 'Queue stuck', severity: 2, message: 'Looking.' })).body.id;
    const path = `/console/incidents/${id}`;
    expect((await c.get(path, { accept: 'text/html' })).text, 'no editor while open').not.to.include('id="postmortem"');
    await api.post(`/api/v1/incidents/${id}/updates`, { status: 'resolved', message: 'Fixed.' });

    const preview = await c.form(`${path}/postmortem`, { body: '# Cause\n\n<script>alert(1)</script> [x](javascript:alert(1))', action: 'preview' }, path);
    expect(preview.status).to.equal(200);
    expect(preview.text).to.include('Preview (not saved)').and.include('<h1>Cause</h1>').and.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(preview.text).not.to.include('<script>alert(1)').and.not.include('href="javascript:');
    expect((await api.get(`/api/v1/incidents/${id}`)).body.postmortem.draft, 'preview saves nothing').to.equal(null);

    const saved = await c.form(`${path}/postmortem`, { body: '# Cause\n\nA stuck consumer.', action: 'save' }, path);
    expect(saved.status).to.equal(303);
    const page = await c.get(saved.headers.get('location')!, { accept: 'text/html' });
    expect(page.text).to.include('Postmortem draft saved (not public yet).').and.include('Saved draft').and.include('<p>A stuck consumer.</p>');
    expect((await new Client(s.baseUrl).get(`/incidents/${id}`, { accept: 'text/html' })).text).not.to.include('A stuck consumer.');

    const published = await c.form(`${path}/postmortem/publish`, {}, path);
    expect(published.status).to.equal(303);
    expect((await api.get(`/api/v1/incidents/${id}`)).body.postmortem.body).to.equal('# Cause\n\nA stuck consumer.');
    const pub = await c.get(published.headers.get('location')!, { accept: 'text/html' });
    expect(pub.text).to.include('Postmortem published.');
  });

  it('refuses a postmortem on an open incident (422); observers read the draft but get no editor and 403 on writes', async () => {
    const { c, api } = await login('regular');
    const id = (await api.post('/api/v1/incidents', { title: 'Open one', severity: 3, message: 'Looking.' })).body.id;
    const refused = await c.form(`/console/incidents/${id}/postmortem`, { body: 'Typed text', action: 'save' }, `/console/incidents/${id}`);
    expect(refused.status).to.equal(422);
    await api.post(`/api/v1/incidents/${id}/updates`, { status: 'resolved', message: 'Fixed.' });
    await api.put(`/api/v1/incidents/${id}/postmortem`, { body: 'Observer can read this.' });
    const o = await login('observer');
    const page = await o.c.get(`/console/incidents/${id}`, { accept: 'text/html' });
    expect(page.text).to.include('Observer can read this.');
    expect(page.text).not.to.include('Publish postmortem');
    expect((await o.c.form(`/console/incidents/${id}/postmortem`, { body: 'x' }, `/console/incidents/${id}`)).status).to.equal(403);
  });
});

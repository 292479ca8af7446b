import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('console: webhooks', () => {
  let s: TestServer;
  let receiver: http.Server;
  let url = '';
  before(async () => {
    s = await startTestServer({ env: { WEBHOOK_ALLOW_PRIVATE: 'true' } }); // the receiver is on loopback
    receiver = http.createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end()));
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
    await s.close();
  });

  async function signIn(role: 'admin' | 'regular') {
    const who = await staff(role);
    const c = new Client(s.baseUrl);
    expect((await c.form('/console/login', { email: who.email, password: PASSWORD })).status).to.equal(303);
    return { c, api: new Client(s.baseUrl, who.token) };
  }

  it('admin adds an endpoint (secret shown once), edits it, sends a test and deletes it', async () => {
    const web = await component('Web');
    const { c, api } = await signIn('admin');
    const created = await c.form('/console/webhooks', { url, description: 'chatops', components: web.id });
    expect(created.status, created.text).to.equal(201);
    const secret = /<code class="secret">([^<]+)<\/code>/.exec(created.text)?.[1];
    expect(secret).to.match(/^[A-Za-z0-9_-]{43}$/);
    const [hook] = (await api.get('/api/v1/webhooks')).body.webhooks;
    expect(hook).to.include({ url, description: 'chatops' });
    expect(hook.components).to.deep.equal([web.id]);

    const page = await c.get('/console/webhooks', { accept: 'text/html' });
    expect(page.status).to.equal(200);
    expect(page.text).to.include(url);
    expect(page.text).to.not.include(secret!);

    const edited = await c.form(`/console/webhooks/${hook.id}`, { url, description: 'renamed', active: 'on' }, '/console/webhooks');
    expect(edited.status, edited.text).to.equal(303);
    const after = (await api.get(`/api/v1/webhooks/${hook.id}`)).body;
    expect(after).to.include({ description: 'renamed', active: true, components: null });

    const tested = await c.form(`/console/webhooks/${hook.id}/test`, {}, '/console/webhooks');
    expect(tested.status).to.equal(200);
    expect(tested.text).to.match(/Receiver answered\s+HTTP 200 in \d+ ms/);

    const bad = await c.form('/console/webhooks', { url: 'mailto:ops@example.com' }, '/console/webhooks');
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('must use http or https');

    const del = await c.form(`/console/webhooks/${hook.id}/delete`, {}, '/console/webhooks');
    expect(del.status).to.equal(303);
    expect((await api.get('/api/v1/webhooks')).body.webhooks).to.deep.equal([]);
  });

  it('regular staff get 403', async () => {
    const { c } = await signIn('regular');
    expect((await c.get('/console/webhooks', { accept: 'text/html' })).status).to.equal(403);
  });
});

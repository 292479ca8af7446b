import { expect } from 'chai';
import { desc } from 'drizzle-orm';
import { incidents, incidentUpdates } from '../../server/db/schema.js';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('console: incident templates', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer({ now: '2026-11-29T12:00:00Z' })));
  after(() => s.close());

  async function login(role: 'observer' | 'regular' | 'admin') {
    const who = await staff(role);
    const c = new Client(s.baseUrl);
    await c.form('/console/login', { email: who.email, password: PASSWORD });
    return c;
  }

  it('saves a template, pre-fills the new-incident form from it (no JavaScript), and files the edited result', async () => {
    const web = await component('Storefront');
    const c = await login('regular');
    const saved = await c.form('/console/templates', { name: 'Storefront down', title: '{{components}} unavailable', message: 'Since {{time}} <b>{{components}}</b> fails.', severity: '2', status: '', [`c.${web.id}`]: 'major_outage', custom_tweet: '', quiet: 'on' });
    expect(saved.status, saved.text.slice(0, 400)).to.equal(303);
    const list = await c.get(saved.headers.get('location')!, { accept: 'text/html' });
    expect(list.text).to.include('Template saved.');
    expect(list.text).to.include('Storefront down');
    expect(list.text).to.include('&lt;b&gt;{{components}}&lt;/b&gt;');
    const id = /\/console\/incidents\/new\?template=([0-9a-f-]{36})/.exec(list.text)![1]!;

    const form = await c.get(`/console/incidents/new?template=${id}`, { accept: 'text/html' });
    expect(form.status).to.equal(200);
    expect(form.text).to.include('value="Storefront unavailable"');
    expect(form.text).to.include('Since Nov 29, 2026, 12:00 UTC (07:00 EST) &lt;b&gt;Storefront&lt;/b&gt; fails.');
    expect(form.text).to.match(/name="severity" value="2" required checked/);
    expect(form.text).to.include('<option value="major_outage" selected>');
    expect(form.text).to.match(/name="quiet" checked/);

    // The person edits the text before filing; what is filed is what they sent.
    const filed = await c.form('/console/incidents', { title: 'Storefront unavailable', severity: '2', message: 'Edited by hand.', [`c.${web.id}`]: 'major_outage', quiet: 'on' }, `/console/incidents/new?template=${id}`);
    expect(filed.status, filed.text.slice(0, 400)).to.equal(303);
    const [inc] = await s.deps.database.db.select().from(incidents).orderBy(desc(incidents.createdAt)).limit(1);
    expect(inc).to.include({ title: 'Storefront unavailable', severity: 2 });

    // The update form pre-fills from a template too.
    const upTpl = await c.form('/console/templates', { name: 'Monitoring', message: 'Fix out for {{components}}.', status: 'monitoring', [`c.${web.id}`]: 'operational' });
    expect(upTpl.status).to.equal(303);
    const upId = [...(await c.get('/console/templates', { accept: 'text/html' })).text.matchAll(/template=([0-9a-f-]{36})/g)].map((m) => m[1]).find((x) => x !== id)!;
    const page = await c.get(`/console/incidents/${inc!.id}?template=${upId}`, { accept: 'text/html' });
    expect(page.text).to.include('>Fix out for Storefront.</textarea>');
    expect(page.text).to.include('<option value="monitoring" selected>');
    const updates = await s.deps.database.db.select().from(incidentUpdates);
    expect(updates.some((u) => u.body === 'Edited by hand.' && !u.deliverNotifications)).to.equal(true);
  });

  it('shows field errors and keeps the typed text; observers see the list but not the forms and get 403 on writes', async () => {
    const c = await login('regular');
    const bad = await c.form('/console/templates', { name: '', message: 'kept text' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('kept text');
    const o = await login('observer');
    const page = await o.get('/console/templates', { accept: 'text/html' });
    expect(page.status).to.equal(200);
    expect(page.text).not.to.include('New template');
    expect((await o.form('/console/templates', { name: 'x', message: 'y' }, '/console/templates')).status).to.equal(403);
    expect((await o.get('/console/incidents/new?template=x', { accept: 'text/html' })).status).to.equal(403);
    expect((await c.get('/console/incidents/new?template=x', { accept: 'text/html' })).status).to.equal(400);
  });
});

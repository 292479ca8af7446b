import { expect } from 'chai';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('console: incidents', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer({ now: '2026-11-29T12:00:00Z' })));
  after(() => s.close());

  async function login(role: 'observer' | 'regular' | 'admin') {
    const who = await staff(role);
    const c = new Client(s.baseUrl);
    await c.form('/console/login', { email: who.email, password: PASSWORD });
    return { c, token: who.token };
  }

  it('files a sev1 through the form, drives it to final fix, and the list sorts by nearest deadline', async () => {
    const web = await component('Web app');
    const { c } = await login('regular');
    const form = await c.get('/console/incidents/new', { accept: 'text/html' });
    expect(form.status).to.equal(200);
    expect(form.text).to.include('The site is not responding; all text on the site is being translated into elven runes.');
    expect(form.text).to.include('Work start 1 h · Temporary fix 4 h · Final fix 7 h');
    expect(form.text).to.include('Work start 2 h · Temporary fix 2 d · Final fix 14 d');
    expect(form.text).to.include('data-policy=');

    const created = await c.form('/console/incidents', { title: 'The site is not responding', severity: '1', message: 'Looking into it', [`c.${web.id}`]: 'major_outage', note: 'db-1 paged' }, '/console/incidents/new');
    expect(created.status, created.text.slice(0, 500)).to.equal(303);
    const path = created.headers.get('location')!.split('?')[0]!;
    let page = await c.get(path, { accept: 'text/html' });
    expect(page.text).to.include('The site is not responding');
    expect(page.text).to.include('db-1 paged');
    expect(page.text).to.include('Web app operational → major_outage');

    s.clock.advance(15 * 60_000);
    expect((await c.form(`${path}/milestones`, { milestone: 'work_start', at: '' }, path)).status).to.equal(303);
    expect((await c.form(`${path}/updates`, { status: 'identified', message: 'Bad deploy' }, path)).status).to.equal(303);
    // A fix goes through its confirm step (message + post quietly) before anything is published.
    expect((await c.form(`${path}/milestones`, { milestone: 'temporary_fix', at: '', message: 'Rolled back' }, `${path}/milestones/confirm?milestone=temporary_fix`)).status).to.equal(303);
    expect((await c.form(`${path}/milestones`, { milestone: 'final_fix', at: '', message: 'All fixed' }, `${path}/milestones/confirm?milestone=final_fix`)).status).to.equal(303);
    page = await c.get(path, { accept: 'text/html' });
    expect(page.text).to.include('Status <strong>resolved</strong>');
    expect((page.text.match(/✔ met/g) ?? []).length).to.equal(3);

    const out = await c.form(`${path}/milestones`, { milestone: 'work_start', at: '' }, path);
    expect(out.status).to.equal(409);
    expect(out.text).to.include('already recorded');
  });

  it('lists open incidents nearest deadline first', async () => {
    const { c } = await login('regular');
    await c.form('/console/incidents', { title: 'Sev3 thing', severity: '3', message: 'm' }, '/console/incidents/new');
    await c.form('/console/incidents', { title: 'Sev1 thing', severity: '1', message: 'm' }, '/console/incidents/new');
    const list = await c.get('/console/incidents', { accept: 'text/html' });
    expect(list.text.indexOf('Sev1 thing')).to.be.lessThan(list.text.indexOf('Sev3 thing'));
    expect(list.text).to.include('data-countdown');
  });

  it('form errors re-render with the message; observers cannot file; output is escaped', async () => {
    const { c } = await login('regular');
    const bad = await c.form('/console/incidents', { title: '', severity: '1', message: 'm' }, '/console/incidents/new');
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('title');
    const noSev = await c.form('/console/incidents', { title: 't', message: 'm' }, '/console/incidents/new');
    expect(noSev.status).to.equal(400);
    expect(noSev.text).to.include('choose a severity');
    const xss = await c.form('/console/incidents', { title: '<script>alert(1)</script>', severity: '2', message: 'm' }, '/console/incidents/new');
    const page = await c.get(xss.headers.get('location')!, { accept: 'text/html' });
    expect(page.text).not.to.include('<script>alert(1)</script>');
    expect(page.text).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');

    const obs = await login('observer');
    expect((await obs.c.get('/console/incidents', { accept: 'text/html' })).status).to.equal(200);
    expect((await obs.c.get('/console/incidents/new', { accept: 'text/html' })).status).to.equal(403);
    const tryFile = await obs.c.form('/console/incidents', { title: 't', severity: '1', message: 'm' }, '/console/incidents');
    expect(tryFile.status).to.equal(403);
  });
});

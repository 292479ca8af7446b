import { expect } from 'chai';
import { Client, signInAs } from '../support/client.js';
import { component } from '../support/components.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('console: components', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());

  const signIn = (role: 'admin' | 'regular' | 'observer') => signInAs(s.baseUrl, role);
  const html = { accept: 'text/html' };

  it('admin creates a group and a component in it through the forms', async () => {
    const { c, api } = await signIn('admin');
    const g = await c.form('/console/components', { name: 'Platform', description: 'Core', group: 'on', status: 'operational', position: '1', showcase: 'on' });
    expect(g.status, g.text).to.equal(303);
    expect(g.headers.get('location')).to.equal('/console/components?done=component_added');
    const group = (await api.get('/api/v1/components')).body.components.find((x: any) => x.name === 'Platform');
    expect(group.group).to.equal(true);

    const m = await c.form('/console/components', { name: 'Billing API', group_id: group.id, status: 'partial_outage', position: '2', only_show_if_degraded: 'on' });
    expect(m.status, m.text).to.equal(303);
    const all = (await api.get('/api/v1/components')).body.components;
    const member = all.find((x: any) => x.name === 'Billing API');
    expect(member).to.include({ group_id: group.id, status: 'partial_outage', position: 2, showcase: false, only_show_if_degraded: true, group: false });
    expect(all.find((x: any) => x.id === group.id).components).to.deep.equal([member.id]);

    const page = await c.get('/console/components', html);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<title>Components');
    // The member is listed after its group, with its status.
    const gi = page.text.indexOf('<strong>Platform</strong>');
    const mi = page.text.indexOf('<strong>Billing API</strong>');
    expect(gi).to.be.greaterThan(-1);
    expect(mi).to.be.greaterThan(gi);
    expect(page.text).to.include('Partial outage');
    expect(page.text).to.include(`<option value="${group.id}" selected>Platform</option>`);
  });

  it('admin edits and deletes a component; deleting a group releases its members', async () => {
    const { c, api } = await signIn('admin');
    const group = await component('Group', { isGroup: true });
    const web = await component('Web', { groupId: group.id });
    const edit = await c.form(`/console/components/${web.id}`, { name: 'Website', description: '', group_id: '', status: 'major_outage', position: '7', showcase: 'on' });
    expect(edit.status, edit.text).to.equal(303);
    const after = (await api.get(`/api/v1/components/${web.id}`)).body;
    expect(after).to.include({ name: 'Website', group_id: null, status: 'major_outage', position: 7, showcase: true, only_show_if_degraded: false });

    await c.form(`/console/components/${web.id}`, { name: 'Website', group_id: group.id, status: 'major_outage', showcase: 'on' });
    expect((await c.form(`/console/components/${group.id}/delete`, {}, '/console/components')).status).to.equal(303);
    expect((await api.get(`/api/v1/components/${group.id}`)).status).to.equal(404);
    expect((await api.get(`/api/v1/components/${web.id}`)).body.group_id).to.equal(null);
  });

  it('regular staff can view the list (without admin forms) but get 403 when posting', async () => {
    await component('Search', { status: 'degraded_performance' });
    const { c, api } = await signIn('regular');
    const page = await c.get('/console/components', html);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Search').and.include('Degraded performance');
    expect(page.text).not.to.include('action="/console/components"');
    const res = await c.form('/console/components', { name: 'Sneaky', status: 'operational' });
    expect(res.status).to.equal(403);
    const id = (await api.get('/api/v1/components')).body.components[0].id;
    expect((await c.form(`/console/components/${id}/delete`, {}, '/console/components')).status).to.equal(403);
    expect((await api.get('/api/v1/components')).body.components).to.have.length(1);
  });

  it('re-renders the page with 400 and the message when the name is empty, keeping what was typed', async () => {
    const { c, api } = await signIn('admin');
    const res = await c.form('/console/components', { name: '   ', description: 'kept text', status: 'operational', position: '3' });
    expect(res.status).to.equal(400);
    expect(res.text).to.include('role="alert"').and.include('Name is required');
    expect(res.text).to.include('value="kept text"');
    const bad = await c.form('/console/components', { name: 'X', position: '-1' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('Position must be 0 or more');
    expect((await api.get('/api/v1/components')).body.components).to.have.length(0);
  });

  it('a group cannot be put in a group: 422 with the message', async () => {
    const { c } = await signIn('admin');
    const group = await component('Group', { isGroup: true });
    const res = await c.form('/console/components', { name: 'Nested', group: 'on', group_id: group.id, status: 'operational' });
    expect(res.status).to.equal(422);
    expect(res.text).to.include('A component group cannot belong to another group');
  });

  it('escapes component names and descriptions', async () => {
    await component('<script>x</script>', { description: '"><img src=x onerror=alert(1)>' });
    const { c } = await signIn('admin');
    const page = await c.get('/console/components', html);
    expect(page.status).to.equal(200);
    expect(page.text).not.to.include('<script>x</script>');
    expect(page.text).not.to.include('<img src=x');
    expect(page.text).to.include('&lt;script&gt;x&lt;/script&gt;');
  });

  it('rejects a form without the CSRF token', async () => {
    const { c, api } = await signIn('admin');
    const res = await c.request('POST', '/console/components', 'name=NoToken&status=operational', {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html',
    });
    expect(res.status).to.equal(403);
    expect((await api.get('/api/v1/components')).body.components).to.have.length(0);
  });

  it('sends anonymous visitors to the login page', async () => {
    const res = await new Client(s.baseUrl).get('/console/components', html);
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.match(/^\/console\/login\?next=/);
  });
});

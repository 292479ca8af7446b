import { expect } from 'chai';
import { signInAs } from '../support/client.js';
import { component } from '../support/components.js';
import { startTestServer, type TestServer } from '../support/server.js';

const html = { accept: 'text/html' };

/** The success message a console page shows, or null. */
const flashOf = (page: string) => /<div class="alert success flash" role="status">([^<]*)<\/div>/.exec(page)?.[1] ?? null;
/** The field errors listed at the top of a form page, as { field: sentence }. */
const errorListOf = (page: string) =>
  Object.fromEntries([...page.matchAll(/<li data-field="([^"]+)">([^<]*)<\/li>/g)].map((m) => [m[1]!, m[2]!]));

describe('console: success messages, field errors, staff pages', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());

  it('every action redirects with a success message the next page shows (no JavaScript needed)', async () => {
    const { c, api } = await signInAs(s.baseUrl, 'admin');
    const follow = async (res: { status: number; headers: Headers; text: string }) => {
      expect(res.status, res.text.slice(0, 300)).to.equal(303);
      return flashOf((await c.get(res.headers.get('location')!, html)).text);
    };
    expect(await follow(await c.form('/console/components', { name: 'Web app', status: 'operational', position: '0' }))).to.equal('Component added.');
    const comp = (await api.get('/api/v1/components')).body.components[0];
    expect(await follow(await c.form(`/console/components/${comp.id}`, { name: 'Web', status: 'operational', position: '1' }, '/console/components'))).to.equal('Component saved.');

    const filed = await c.form('/console/incidents', { title: 'Slow pages', severity: '3', message: 'Looking' }, '/console/incidents/new');
    expect(await follow(filed)).to.equal('Incident filed.');
    const path = filed.headers.get('location')!.split('?')[0]!;
    expect(await follow(await c.form(`${path}/notes`, { body: 'paged db team' }, path))).to.equal('Internal note added.');
    expect(await follow(await c.form(`${path}/severity`, { severity: '2' }, path))).to.equal('Severity changed.');
    expect(await follow(await c.form(`${path}/updates`, { status: 'identified', message: 'Found it' }, path))).to.equal('Update posted.');
    expect(await follow(await c.form(`${path}/milestones`, { milestone: 'work_start', at: '' }, path))).to.equal('Milestone recorded.');

    expect(await follow(await c.form('/console/notices', { title: 'Heads up', body: 'Soon', level: 'info' }))).to.equal('Notice added.');
    const notice = (await api.get('/api/v1/notices')).body.notices[0];
    expect(await follow(await c.form(`/console/notices/${notice.id}/delete`, {}, '/console/notices'))).to.equal('Notice deleted.');

    const token = (await api.get('/api/v1/tokens')).body.tokens[0];
    expect(await follow(await c.form(`/console/tokens/${token.id}/revoke`, {}, '/console/tokens'))).to.equal('Token revoked.');

    // The page itself without a ?done= key says nothing, and unknown keys cannot put words on it.
    expect(flashOf((await c.get('/console/components', html)).text)).to.equal(null);
    const crafted = await c.get('/console/components?done=%3Cb%3Ehacked%3C%2Fb%3E', html);
    expect(crafted.status).to.equal(200);
    expect(flashOf(crafted.text)).to.equal(null);
    expect(crafted.text).not.to.include('hacked');
  });

  it('lists every field error with its human name at the top and next to each field', async () => {
    const { c } = await signInAs(s.baseUrl, 'regular');
    const res = await c.form('/console/incidents', { title: ' ', message: '' }, '/console/incidents/new');
    expect(res.status).to.equal(400);
    expect(res.text).to.include('Please correct these 3 fields');
    expect(errorListOf(res.text)).to.deep.equal({ title: 'Title is required', severity: 'Severity: choose a severity', message: 'Message is required' });
    expect(res.text).to.include('<p class="field-error">Title is required</p>').and.include('<p class="field-error">Message is required</p>');

    const { c: admin } = await signInAs(s.baseUrl, 'admin');
    const comp = await admin.form('/console/components', { name: '', position: '-1', group_id: 'nope' });
    expect(comp.status).to.equal(400);
    expect(errorListOf(comp.text)).to.deep.equal({ name: 'Name is required', group_id: 'Group must be a component group', position: 'Position must be 0 or more' });

    const notice = await c.form('/console/notices', { title: '', body: '', level: 'loud' });
    expect(errorListOf(notice.text)).to.deep.equal({ title: 'Title is required', body: 'Message is required', level: 'Level must be info, warning or critical' });
  });

  it('maintenance field errors use the page\'s own names ("Public description")', async () => {
    await component('Database');
    const { c } = await signInAs(s.baseUrl, 'regular');
    const res = await c.form('/console/maintenance', { kind: 'planned', title: '', body: '', window: '2026-12-06T03:00:00.000Z', start_time: '22:00', end_time: '01:00' }, '/console/maintenance/new');
    expect(res.status).to.equal(400);
    expect(errorListOf(res.text)).to.deep.equal({ title: 'Title is required', body: 'Public description is required' });
  });

  it('invites default to the least-privileged role (observer), and keep a typed role after an error', async () => {
    const { c } = await signInAs(s.baseUrl, 'admin');
    const page = await c.get('/console/users', html);
    const invite = page.text.slice(page.text.indexOf('action="/console/users"'), page.text.indexOf('</form>', page.text.indexOf('action="/console/users"')));
    const options = [...invite.matchAll(/<option value="(\w+)" ?(selected)?>/g)].map((m) => [m[1], Boolean(m[2])]);
    expect(options).to.deep.equal([['observer', true], ['regular', false], ['admin', false]]);

    const bad = await c.form('/console/users', { name: 'X', email: 'not-an-address', role: 'regular' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.match(/<option value="regular" selected>/);
    expect(Object.keys(errorListOf(bad.text))).to.deep.equal(['email']);

    // A form or API call without a role invites an observer.
    expect((await c.form('/console/users', { name: 'No role', email: 'norole@example.com' })).status).to.equal(201);
    const { api } = await signInAs(s.baseUrl, 'admin');
    expect((await api.post('/api/v1/users', { name: 'Api invite', email: 'api-invite@example.com' })).status).to.equal(201);
    const users = (await api.get('/api/v1/users')).body.users as { email: string; role: string }[];
    expect(users.filter((u) => u.email.includes('role') || u.email.includes('invite')).map((u) => u.role)).to.deep.equal(['observer', 'observer']);
  });

  it('the staff table is valid HTML (no <form> inside <tr>) and its row forms still save', async () => {
    const { c, api } = await signInAs(s.baseUrl, 'admin');
    const other = await signInAs(s.baseUrl, 'regular');
    const page = await c.get('/console/users', html);
    expect(page.text).not.to.match(/<tr>\s*<form/);
    expect(page.text).not.to.match(/<\/form>\s*<\/tr>/);
    const id = other.who.actor.id;
    expect(page.text).to.include(`<form method="post" action="/console/users/${id}" id="user-${id}">`);
    expect(page.text).to.include(`name="role" aria-label="Role of ${other.who.email}" form="user-${id}"`);

    const res = await c.form(`/console/users/${id}`, { name: 'Renamed Person', role: 'observer', active: 'on' }, '/console/users');
    expect(res.status).to.equal(303);
    expect(flashOf((await c.get(res.headers.get('location')!, html)).text)).to.equal('Staff member saved.');
    const u = (await api.get('/api/v1/users')).body.users.find((x: { id: string }) => x.id === id);
    expect(u).to.include({ role: 'observer', name: 'Renamed Person' });

    // The audit log shows the change per field, before → after, not JSON blobs.
    const audit = await c.get('/console/audit', html);
    expect(audit.text).to.include('<li class="changed"><span class="field">role</span>: <span class="before">regular</span> → <span class="after">observer</span></li>');
    expect(audit.text).to.include('<span class="field">name</span>: <span class="before">Regular Person</span> → <span class="after">Renamed Person</span>');
    expect(audit.text).not.to.include('code class="json"');
  });
});

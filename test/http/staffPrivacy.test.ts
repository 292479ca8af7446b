import { expect } from 'chai';
import { eq, sql } from 'drizzle-orm';
import { apiTokens, deletionLedger, sessions, users } from '../../server/db/schema.js';
import { emailHash } from '../../server/domain/privacy/subjectHash.js';
import { Client, signInAs } from '../support/client.js';
import { staff } from '../support/factories.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/server.js';

const NAME = 'Zelda Quartermain';

describe('staff personal data', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());
  const db = () => s.deps.database.db;

  async function everyRowMentioning(text: string): Promise<string[]> {
    const tables = (await db().execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`)) as unknown as { rows: { table_name: string }[] };
    const hits: string[] = [];
    for (const { table_name } of tables.rows) {
      const res = (await db().execute(sql.raw(`select row_to_json(t)::text as j from "${table_name}" t`))) as unknown as { rows: { j: string }[] };
      for (const r of res.rows) if (r.j.toLowerCase().includes(text.toLowerCase())) hits.push(`${table_name}: ${r.j}`);
    }
    return hits;
  }

  /** A regular staff member with a unique name, signed in, who filed an incident with a note. */
  async function author() {
    const { c, api, who } = await signInAs(s.baseUrl, 'regular');
    await db().update(users).set({ name: NAME }).where(eq(users.id, who.actor.id));
    const inc = await api.post('/api/v1/incidents', { title: 'Disk full', severity: 3, message: 'Cleaning up.', note: 'Ran out at 3am.' });
    expect(inc.status, inc.text).to.equal(201);
    const notice = await api.post('/api/v1/notices', { title: 'Heads up', body: 'b', level: 'info' });
    expect(notice.status, notice.text).to.equal(201);
    return { c, api, who, incidentId: inc.body.id as string };
  }

  it('"Download my data" gives profile, sessions, token metadata, audit entries and what they wrote', async () => {
    const { c, api, who, incidentId } = await author();
    const res = await c.get('/console/me/data');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="?my-data\.json"?$/);
    const data = res.body;
    expect(data.profile).to.include({ id: who.actor.id, email: who.email, name: NAME, role: 'regular' });
    expect(data.sessions).to.have.length(1);
    expect(data.sessions[0]).to.have.all.keys('created_at', 'expires_at');
    expect(data.api_tokens.map((t: any) => t.name)).to.deep.equal(['test']);
    expect(JSON.stringify(data)).not.to.match(/hash/i);
    expect(data.audit_entries.map((a: any) => a.action)).to.include.members(['incident.create', 'notice.create']);
    expect(data.wrote.incident_updates.map((u: any) => [u.incident_id, u.body])).to.deep.equal([[incidentId, 'Cleaning up.']]);
    expect(data.wrote.incident_timeline.some((e: any) => e.kind === 'note' && e.data.body === 'Ran out at 3am.')).to.equal(true);
    expect(data.wrote.notices.map((n: any) => n.title)).to.deep.equal(['Heads up']);
    // The same through the API, for the token's owner only.
    const viaApi = await api.get('/api/v1/me/data');
    expect(viaApi.body.profile.id).to.equal(who.actor.id);
    expect((await new Client(s.baseUrl).get('/api/v1/me/data')).status).to.equal(401);
  });

  it('an admin deletes an account: name and e-mail scrubbed, sessions and tokens gone, work kept as "former staff member"', async () => {
    const { c, api, who, incidentId } = await author();
    const { c: adminConsole, api: adminApi } = await signInAs(s.baseUrl, 'admin');
    const users1 = await adminConsole.get('/console/users', { accept: 'text/html' });
    expect(users1.text).to.include(`href="/console/users/${who.actor.id}/delete"`);
    const confirmPage = await adminConsole.get(`/console/users/${who.actor.id}/delete`, { accept: 'text/html' });
    expect(confirmPage.text).to.include('This cannot be undone').and.include(NAME).and.include(`action="/console/users/${who.actor.id}/delete"`);
    const adminId = (await adminApi.get('/api/v1/me')).body.user.id;
    expect(users1.text).not.to.include(`href="/console/users/${adminId}/delete"`); // not their own

    const res = await adminConsole.form(`/console/users/${who.actor.id}/delete`, {});
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.match(/^\/console\/users\?done=user_deleted/);

    expect(await everyRowMentioning(who.email)).to.deep.equal([]);
    expect(await everyRowMentioning(NAME)).to.deep.equal([]);
    expect(await db().select().from(sessions).where(eq(sessions.userId, who.actor.id))).to.have.length(0);
    expect(await db().select().from(apiTokens).where(eq(apiTokens.userId, who.actor.id))).to.have.length(0);
    expect((await api.get('/api/v1/me')).status).to.equal(401);
    expect((await c.get('/console/incidents', { accept: 'text/html' })).status).to.equal(303); // back to sign-in

    const incident = await adminApi.get(`/api/v1/incidents/${incidentId}`);
    expect(incident.status).to.equal(200);
    const note = incident.body.timeline.find((e: any) => e.kind === 'note');
    expect(note).to.include({ actor: 'former staff member' });
    expect(note.data.body).to.equal('Ran out at 3am.');
    expect(incident.body.updates?.[0]?.body ?? incident.body.incident_updates?.[0]?.body).to.equal('Cleaning up.');

    const ledger = await db().select().from(deletionLedger);
    expect(ledger.map((l) => [l.kind, l.subjectHash])).to.deep.include(['staff', emailHash(TEST_SECRET, who.email)]);
    const list = await adminApi.get('/api/v1/users');
    expect(list.body.users.map((u: any) => u.id)).not.to.include(who.actor.id);
    expect((await adminApi.delete(`/api/v1/users/${who.actor.id}`)).status).to.equal(404); // already gone
    expect((await adminConsole.get(`/console/users/${who.actor.id}/delete`, { accept: 'text/html' })).status).to.equal(404);
  });

  it('admins only, and never their own account (so an admin always remains)', async () => {
    const target = await staff('observer');
    for (const role of ['regular', 'observer'] as const) {
      const r = await new Client(s.baseUrl, (await staff(role)).token).delete(`/api/v1/users/${target.actor.id}`);
      expect(r.status).to.equal(403);
    }
    const { c: regular } = await signInAs(s.baseUrl, 'regular');
    expect((await regular.form(`/console/users/${target.actor.id}/delete`, {}, '/console')).status).to.equal(403);
    const admin = await staff('admin');
    const self = await new Client(s.baseUrl, admin.token).delete(`/api/v1/users/${admin.actor.id}`);
    expect(self.status).to.equal(422);
    expect(self.body.error.code).to.equal('cannot_delete_self');
    expect((await db().select().from(users).where(eq(users.id, target.actor.id)))[0]!.email).to.equal(target.email);
    expect((await new Client(s.baseUrl, admin.token).delete(`/api/v1/users/${target.actor.id}`)).status).to.equal(204);
  });
});

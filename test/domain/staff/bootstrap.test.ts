import { expect } from 'chai';
import { bootstrapAdmin } from '../../../server/domain/staff/bootstrapAdmin.js';
import { Client } from '../../support/client.js';
import { testDatabase } from '../../support/db.js';
import { startTestServer } from '../../support/server.js';

describe('first admin', () => {
  const now = new Date('2026-11-29T12:00:00Z');

  it('BOOTSTRAP_ADMIN_* creates the admin on an empty database, once only', async () => {
    const { db } = await testDatabase();
    const ctx = { db, now, actor: null };
    const first = await bootstrapAdmin(ctx, { email: 'root@example.com', password: 'bootstrap-pass' });
    expect(first.kind).to.equal('admin_created');
    const second = await bootstrapAdmin(ctx, { email: 'other@example.com', password: 'bootstrap-pass' });
    expect(second.kind).to.equal('users_exist');
    const all = await db.query.users.findMany();
    expect(all.map((u) => u.email)).to.deep.equal(['root@example.com']);
    expect(all[0]!.role).to.equal('admin');
    expect(all[0]!.passwordHash).to.match(/^scrypt\$/);
  });

  it('without variables it issues a one-time setup link that creates the admin', async () => {
    const { db } = await testDatabase();
    const outcome = await bootstrapAdmin({ db, now, actor: null }, {});
    expect(outcome.kind).to.equal('setup_link');
    const token = (outcome as { token: string }).token;
    const s = await startTestServer();
    try {
      const c = new Client(s.baseUrl);
      const res = await c.form('/console/setup', { token, email: 'first@example.com', name: 'First', password: 'first-admin-pw' }, `/console/setup?token=${token}`);
      expect(res.status).to.equal(303);
      expect((await c.get('/console', { accept: 'text/html' })).status).to.equal(200);
      const reuse = await new Client(s.baseUrl).get(`/console/setup?token=${token}`, { accept: 'text/html' });
      expect(reuse.status).to.equal(404);
      const short = await new Client(s.baseUrl).form('/console/setup', { token: 'whatever', email: 'x@example.com', name: 'X', password: 'short' }, '/console/login');
      expect(short.status).to.equal(400);
      expect(short.text).to.include('at least 8 characters');
    } finally {
      await s.close();
    }
  });
});

import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { auditLog, components, outboxEvents } from '../../server/db/schema.js';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** A patch that changes nothing records nothing (issue 10 §7): no audit entry, no event, no updated_at. */
describe('PATCH /api/v1/components/:id that changes nothing', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());

  const recorded = async () => ({
    audit: (await s.deps.database.db.select().from(auditLog)).filter((a) => a.action.startsWith('component.')).length,
    events: (await s.deps.database.db.select().from(outboxEvents).where(eq(outboxEvents.type, 'component.changed'))).length,
  });

  it('answers 200 with the unchanged component and writes no audit entry and no event', async () => {
    const web = await component('Web', { status: 'degraded_performance' });
    const regular = new Client(s.baseUrl, (await staff('regular')).token);
    const admin = new Client(s.baseUrl, (await staff('admin')).token);
    const before = (await regular.get(`/api/v1/components/${web.id}`)).body;
    for (const [who, body] of [
      [regular, {}],
      [regular, { status: 'degraded_performance' }],
      [admin, {}],
      [admin, { name: 'Web', description: null, position: 0, showcase: true, group_id: null }],
    ] as const) {
      const res = await who.patch(`/api/v1/components/${web.id}`, body);
      expect(res.status, JSON.stringify(body)).to.equal(200);
      expect(res.body, JSON.stringify(body)).to.deep.equal(before);
    }
    expect(await recorded()).to.deep.equal({ audit: 0, events: 0 });
    const [row] = await s.deps.database.db.select().from(components).where(eq(components.id, web.id));
    expect(row!.updatedAt.toISOString()).to.equal('2026-01-01T00:00:00.000Z');

    // A real change is still recorded once, with only what changed applied.
    const changed = await regular.patch(`/api/v1/components/${web.id}`, { status: 'major_outage' });
    expect(changed.body.status).to.equal('major_outage');
    expect(await recorded()).to.deep.equal({ audit: 1, events: 1 });
    // A regular user still may not touch other fields, even to their current values.
    expect((await regular.patch(`/api/v1/components/${web.id}`, { name: 'Web' })).status).to.equal(403);
  });
});

import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createIncident } from '../../server/domain/incidents/createIncident.js';
import { postIncidentUpdate } from '../../server/domain/incidents/postIncidentUpdate.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The public snapshot is some ~15 reads. A write that commits between two of them must not leave the
 * page (and the live push made from it) with an incident's status from before the write and its
 * updates from after: every published snapshot is one moment of the database.
 */
describe('public snapshot: every rebuild reads one moment of the database', () => {
  let s: TestServer;
  before(async () => {
    // No write reacts by itself here: the test starts each rebuild and each write by hand.
    s = await startTestServer({ dispatchAfterWrite: false });
  });
  after(() => s.close());

  // Queries on embedded PGlite settle within microtasks, on PostgreSQL after a round trip to the
  // server, so the write is started a step further into the rebuild in whichever unit moves it there.
  const step = (postgres: boolean) =>
    postgres
      ? async () => void (await s.deps.database.db.execute(sql`select 1`))
      : async () => {
          for (let i = 0; i < 10; i++) await null;
        };
  const pause = async (steps: number, one: () => Promise<void>) => {
    for (let i = 0; i < steps; i++) await one();
  };

  it('never pairs an incident status with updates from another moment when a write commits mid-rebuild', async function () {
    this.timeout(120_000);
    const { actor } = await staff('regular');
    const one = step(s.deps.database.driver === 'postgres');
    const store = s.runtime.snapshot;
    const torn: string[] = [];
    // From the write starting well before the rebuild to well after it began: somewhere in between
    // it commits between the rebuild's read of the incidents and its read of their updates.
    for (let offset = -30; offset < 30; offset++) {
      const now = s.clock.now();
      const ctx = { db: s.deps.database.db, now, actor };
      const incident = await createIncident(ctx, { title: `Offset ${offset}`, severity: 3, message: 'Looking into it.' });
      await store.rebuild();
      const later = { ...ctx, now: new Date(now.getTime() + 60_000) };
      await Promise.all([
        (async () => {
          await pause(Math.max(offset, 0), one);
          await postIncidentUpdate(later, incident.id, { status: 'identified', message: 'Found it.' });
        })(),
        (async () => {
          await pause(Math.max(-offset, 0), one);
          await store.rebuild();
        })(),
      ]);
      const shown = store.snapshot!.unresolved.find((i) => i.id === incident.id)!;
      const latest = shown.incident_updates[0]!;
      if (shown.status !== latest.status) torn.push(`offset ${offset}: incident ${shown.status}, latest update ${latest.status}`);
      s.clock.advance(120_000);
    }
    expect(torn, 'snapshots mixing two moments').to.deep.equal([]);
  });
});

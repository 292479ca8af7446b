import { expect } from 'chai';
import { count } from 'drizzle-orm';
import type { Database, Db } from '../../server/db/client.js';
import { readOneMoment } from '../../server/db/oneMoment.js';
import { outboxEvents } from '../../server/db/schema.js';
import { testDatabase } from '../support/db.js';

const events = async (db: Db) => (await db.select({ n: count() }).from(outboxEvents))[0]!.n;
/** A public change as every domain write makes one: it records an outbox event. */
const publicChange = (database: Database) => database.db.insert(outboxEvents).values({ type: 'incident.updated', payload: {}, createdAt: new Date() });

describe('readOneMoment: a group of reads sees one moment of the database', () => {
  it('keeps out a change that commits between two of its reads, and is not starved by a stream of them', async () => {
    const database = await testDatabase();
    const embedded = database.driver === 'pglite';
    let tries = 0;
    const writes: Promise<unknown>[] = [];
    const seen = await readOneMoment(database, async (db) => {
      tries++;
      const first = await events(db);
      let landed = false;
      const write = publicChange(database).then(() => (landed = true));
      writes.push(write);
      // A change lands between the two reads on every try but a locked one (on PGlite, a transaction
      // holds the only connection: awaiting the write there would wait forever).
      if (!embedded || tries <= 2) await write;
      const second = await events(db);
      // Unlocked, the write queued before the second read would have landed by now.
      return { first, second, lockedOut: !landed };
    });
    await Promise.all(writes);
    expect(seen.second, 'the second read saw a change the first did not').to.equal(seen.first);
    if (embedded) {
      // Two unlocked tries were each disturbed; the third held the connection, and the write waited.
      expect(tries).to.equal(3);
      expect(seen.lockedOut).to.equal(true);
    } else {
      expect(tries, 'PostgreSQL reads in one transaction: no retry').to.equal(1);
    }
    expect(await events(database.db)).to.equal(tries);
  });

  it('takes the first try when nothing changes meanwhile (embedded: without holding the connection)', async () => {
    const database = await testDatabase();
    let tries = 0;
    let landed = false;
    const write = { done: null as Promise<unknown> | null };
    const seen = await readOneMoment(database, async (db) => {
      tries++;
      const n = await events(db);
      // A read that does not hold the embedded connection lets another query through meanwhile.
      if (database.driver === 'pglite') {
        write.done = database.db.select({ n: count() }).from(outboxEvents).then(() => (landed = true));
        await write.done;
      }
      return n;
    });
    await write.done;
    expect(seen).to.equal(0);
    expect(tries).to.equal(1);
    if (database.driver === 'pglite') expect(landed).to.equal(true);
  });
});

import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { openDatabase, runMigrations } from '../../server/db/client.js';
import { testDatabase } from '../support/db.js';

async function tables(db: Awaited<ReturnType<typeof openDatabase>>) {
  const res = await db.db.execute(sql`select tablename from pg_tables where schemaname = 'public' order by 1`);
  return (res as unknown as { rows: { tablename: string }[] }).rows.map((r) => r.tablename);
}

describe('migrations', () => {
  it('apply on the suite database (PGlite by default, PostgreSQL with TEST_DATABASE_URL) and re-run as a no-op', async () => {
    const database = await testDatabase();
    const before = await tables(database);
    expect(before).to.include.members(['users', 'api_tokens', 'sessions', 'audit_log', 'outbox_events', 'incidents']);
    await runMigrations(database);
    expect(await tables(database)).to.deep.equal(before);
  });

  it('apply on a fresh embedded PGlite too (one schema for both drivers)', async function () {
    this.timeout(60_000);
    const fresh = await openDatabase({ dataDir: 'memory://' });
    try {
      await runMigrations(fresh);
      const suite = await testDatabase();
      expect(await tables(fresh)).to.deep.equal(await tables(suite));
    } finally {
      await fresh.close();
    }
  });
});

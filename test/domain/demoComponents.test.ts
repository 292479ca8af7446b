import { expect } from 'chai';
import { components } from '../../server/db/schema.js';
import { seedDemoComponents } from '../../server/domain/components/seedDemoComponents.js';
import { testDatabase } from '../support/db.js';

describe('demo components', () => {
  it('seeds a small set once; deleting them does not bring them back', async () => {
    const { db } = await testDatabase();
    const now = new Date('2026-11-29T12:00:00Z');
    expect(await seedDemoComponents(db, now)).to.equal(true);
    const names = (await db.select().from(components)).map((c) => c.name);
    expect(names).to.include.members(['Web app', 'API', 'Mobile apps', 'Notifications', 'Search']);
    await db.delete(components);
    expect(await seedDemoComponents(db, now)).to.equal(false);
    expect(await db.select().from(components)).to.have.length(0);
  });
});

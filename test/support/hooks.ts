import { closeTestDatabase, testDatabase, truncateAll } from './db.js';

// Root hooks: every test starts from empty tables on the shared database.
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    await testDatabase();
  },
  async beforeEach() {
    await truncateAll(await testDatabase());
  },
  async afterAll() {
    await closeTestDatabase();
  },
};

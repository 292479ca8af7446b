import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { apiTokens } from '../../server/db/schema.js';
import { createLogger } from '../../server/logger.js';
import { Client } from '../support/client.js';
import { PASSWORD, staff } from '../support/factories.js';
import { LogSink, startTestServer, type TestServer } from '../support/server.js';

/** Failed queries are logged without their parameters (issue 10 §7): no password hash, token hash or address. */
describe('error logs never print query parameters', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());

  it('a real failing insert logged through the app logger keeps the SQL and the cause, not the values', async () => {
    const sink = new LogSink();
    const logger = createLogger('info', sink);
    const scryptHash = 'scrypt$32768$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5';
    const tokenHash = 'f'.repeat(24) + '0123456789abcdef0123456789abcdef01234567';
    let failure: unknown;
    try {
      // The user does not exist: a foreign-key violation, on PGlite and PostgreSQL alike.
      await s.deps.database.db.insert(apiTokens).values({ userId: '00000000-0000-4000-8000-000000000000', name: scryptHash, tokenHash, prefix: 'bcn_secret', createdAt: new Date() });
    } catch (err) {
      failure = err;
    }
    expect(String((failure as Error).message)).to.include(tokenHash); // drizzle does put them there
    logger.error({ err: failure }, 'insert failed');
    logger.error({ err: new Error('while issuing a token', { cause: failure }) }, 'wrapped');
    const text = sink.text();
    for (const secret of [scryptHash, tokenHash, 'bcn_secret']) expect(text).to.not.include(secret);
    const [line] = sink.lines.map((l) => JSON.parse(l));
    expect(line.err.message).to.include('insert into "api_tokens"');
    expect(line.err.message).to.include('params: [withheld]');
    expect(line.err.message).to.match(/foreign key/i);
    expect(line.err.stack).to.include('params: [withheld]');
  });

  it('a 500 from a failed insert reaches the request log without the values', async () => {
    const { email } = await staff('regular');
    const marker = 'leaky-token-name-7f3a9c';
    // Fault injected in the real database: every new API token row is refused.
    await s.deps.database.db.execute(sql.raw('alter table api_tokens add constraint test_refuse_tokens check (false) not valid'));
    try {
      const res = await new Client(s.baseUrl).post('/api/v1/tokens', { email, password: PASSWORD, name: marker });
      expect(res.status).to.equal(500);
      expect(res.body.error.code).to.equal('internal_error');
    } finally {
      await s.deps.database.db.execute(sql.raw('alter table api_tokens drop constraint test_refuse_tokens'));
    }
    const text = s.logs.text();
    expect(text).to.include('test_refuse_tokens'); // the cause is logged…
    expect(text).to.include('params: [withheld]');
    expect(text).to.not.include(marker); // …the values are not
    expect(text).to.not.include('bcn_');
    expect(text).to.not.match(/[0-9a-f]{64}/);
  });
});

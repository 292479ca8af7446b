import { expect } from 'chai';
import { Client } from '../support/client.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/server.js';

describe('structured logs', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());

  it('carry a request id and never a password, token, cookie or session secret', async () => {
    const { email, token } = await staff('regular');
    const c = new Client(s.baseUrl);
    await c.form('/console/login', { email, password: PASSWORD });
    await c.get('/console', { accept: 'text/html' });
    const issued = await c.post('/api/v1/tokens', { email, password: PASSWORD, name: 'log-test' });
    await new Client(s.baseUrl, token).get('/api/v1/me');
    await new Client(s.baseUrl, issued.body.token).get('/api/v1/me', { 'x-request-id': 'trace-abc-123' });

    const text = s.logs.text();
    const lines = s.logs.lines.map((l) => JSON.parse(l));
    expect(lines.length).to.be.greaterThan(3);
    expect(lines.filter((l) => l.req).every((l) => typeof l.req.id === 'string' && l.req.id.length > 0)).to.equal(true);
    expect(text).to.include('trace-abc-123');
    expect(text).not.to.include(PASSWORD);
    expect(text).not.to.include(token);
    expect(text).not.to.include(issued.body.token);
    expect(text).not.to.include(TEST_SECRET);
    expect(text).not.to.include('beacon_session=');
    expect(text).to.include('[redacted]');
  });
});

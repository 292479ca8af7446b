import { expect } from 'chai';
import { Client } from '../support/client.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('error contract and bad input', () => {
  let s: TestServer;
  let admin: Client;
  before(async () => (s = await startTestServer()));
  after(() => s.close());
  beforeEach(async () => (admin = new Client(s.baseUrl, (await staff('admin')).token)));

  const shape = (body: any) => {
    expect(body).to.have.property('error');
    expect(body.error.code).to.match(/^[a-z][a-z0-9_]*$/);
    expect(body.error.message).to.be.a('string');
  };

  it('unknown API routes answer 404 in the error shape', async () => {
    const res = await admin.get('/api/v1/nope');
    expect(res.status).to.equal(404);
    shape(res.body);
    expect(res.body.error.code).to.equal('route_not_found');
  });

  it('unknown HTML routes get a friendly page', async () => {
    const res = await new Client(s.baseUrl).get('/console/nope', { accept: 'text/html' });
    expect(res.status).to.be.oneOf([303, 404]);
    const page = await new Client(s.baseUrl).get('/nowhere', { accept: 'text/html' });
    expect(page.status).to.equal(404);
    expect(page.headers.get('content-type')).to.include('text/html');
    expect(page.text).to.include('Not found');
  });

  it('malformed JSON is a 400, not a 500', async () => {
    const res = await admin.request('POST', '/api/v1/users', '{"email":', { 'content-type': 'application/json' });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('malformed_json');
  });

  it('wrong types, unknown fields and over-long strings name the field', async () => {
    const wrongType = await admin.post('/api/v1/users', { email: 'a@example.com', name: 5, role: 'admin' });
    expect(wrongType.status).to.equal(400);
    expect(wrongType.body.error.details.fields[0].field).to.equal('name');

    const unknown = await admin.post('/api/v1/users', { email: 'a@example.com', name: 'A', role: 'admin', isRoot: true });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.error.details.fields[0].field).to.equal('isRoot');

    const long = await admin.post('/api/v1/users', { email: 'a@example.com', name: 'x'.repeat(101), role: 'admin' });
    expect(long.status).to.equal(400);
    expect(long.body.error.message).to.include('name');

    const badRole = await admin.post('/api/v1/users', { email: 'a@example.com', name: 'A', role: 'root' });
    expect(badRole.status).to.equal(400);
    expect(badRole.body.error.details.fields[0].field).to.equal('role');
  });

  it('a body that is not an object, a bad id and a huge body are 400s', async () => {
    expect((await admin.post('/api/v1/users', [1, 2])).status).to.equal(400);
    expect((await admin.patch('/api/v1/users/not-a-uuid', { name: 'x' })).status).to.equal(400);
    const huge = await admin.request('POST', '/api/v1/users', JSON.stringify({ name: 'x'.repeat(200_000) }), { 'content-type': 'application/json' });
    expect(huge.status).to.equal(400);
    expect(huge.body.error.code).to.equal('body_too_large');
  });

  it('duplicate e-mail is a 409 and changes nothing', async () => {
    expect((await admin.post('/api/v1/users', { email: 'dup@example.com', name: 'A', role: 'observer' })).status).to.equal(201);
    const again = await admin.post('/api/v1/users', { email: 'DUP@example.com', name: 'B', role: 'admin' });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('email_taken');
  });

  it('missing user is 404 with a specific code', async () => {
    const res = await admin.patch('/api/v1/users/00000000-0000-4000-8000-000000000000', { name: 'x' });
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('user_not_found');
  });

  it('health and readiness', async () => {
    expect((await new Client(s.baseUrl).get('/healthz')).body).to.deep.equal({ status: 'ok' });
    const ready = await new Client(s.baseUrl).get('/readyz');
    expect(ready.status).to.equal(200);
    expect(ready.body.status).to.equal('ready');
  });
});

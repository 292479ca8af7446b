import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { pinoHttp } from 'pino-http';
import { auditLog, incidents, maintenances, outboxEvents, settings } from '../../server/db/schema.js';
import { errorHandler } from '../../server/http/errors.js';
import { createLogger } from '../../server/logger.js';
import { Client, signInAs } from '../support/client.js';
import { component } from '../support/components.js';
import { LogSink, startTestServer, type TestServer } from '../support/server.js';

// Issue 10 §5: inputs that used to answer 500. Each must be a 4xx in the error contract and change nothing.

describe('hostile input never answers 500', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer({ now: '2026-11-29T12:00:00Z' })));
  after(() => s.close());

  const db = () => s.deps.database.db;
  /** Rows a refused write must not add: the change itself, its audit entry, its outbox event. */
  const counts = async () => ({
    incidents: (await db().select().from(incidents)).length,
    maintenances: (await db().select().from(maintenances)).length,
    audit: (await db().select().from(auditLog)).length,
    outbox: (await db().select().from(outboxEvents)).length,
    settings: JSON.stringify(await db().select().from(settings)),
  });
  const fields = (n: number, extra: Record<string, string> = {}) => ({ ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, 'x'])), ...extra });
  const expectContract = (res: { status: number; body: any }, status: number, code?: string) => {
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.body.error.code).to.match(/^[a-z][a-z0-9_]*$/);
    expect(res.body.error.message).to.be.a('string');
    if (code) expect(res.body.error.code).to.equal(code);
  };

  it('a console form with more than 100 fields is a 400 page, not an unhandled PayloadTooLargeError', async () => {
    const { c } = await signInAs(s.baseUrl, 'regular');
    const before = await counts();
    const page = await c.form('/console/incidents', fields(150, { title: 'T', severity: '2', message: 'm' }), '/console/incidents/new');
    expect(page.status).to.equal(400);
    expect(page.text).to.include('too many fields');
    const json = await c.request('POST', '/console/incidents', new URLSearchParams(fields(150)).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    expectContract(json, 400, 'too_many_fields');
    expect(await counts()).to.deep.equal(before);
  });

  it('a subscribe form with more than 250 fields is a 400', async () => {
    const res = await new Client(s.baseUrl).request('POST', '/subscribe', new URLSearchParams(fields(300, { email: 'a@example.com' })).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    expectContract(res, 400, 'too_many_fields');
  });

  it('NUL and other control characters in stored text are a 400 naming the field (API and console)', async () => {
    const { c, api } = await signInAs(s.baseUrl, 'admin');
    const before = await counts();
    for (const [title, name] of [['Disk\u0000full', 'NUL'], ['a\u001b[31mred', 'ESC'], ['page\u000cbreak', 'form feed'], ['lone\rCR', 'CR']]) {
      const res = await api.post('/api/v1/incidents', { title, severity: 2, message: 'x' });
      expectContract(res, 400, 'validation_failed');
      expect(res.body.error.details.fields[0].field, name).to.equal('title');
    }
    const note = await api.post('/api/v1/incidents', { title: 'ok', severity: 2, message: 'fine', note: 'x\u0000' });
    expect(note.body.error.details.fields[0].field).to.equal('note');
    const comp = await api.post('/api/v1/components', { name: 'Web\u0000' });
    expect(comp.body.error.details.fields[0].field).to.equal('name');
    const user = await api.post('/api/v1/users', { email: 'n@example.com', name: 'N\u0000', role: 'observer' });
    expect(user.body.error.details.fields[0].field).to.equal('name');
    const page = await c.form('/console/incidents', { title: 'T', severity: '2', message: 'bad\u0000body' }, '/console/incidents/new');
    expect(page.status).to.equal(400);
    expect(page.text).to.include('control characters');
    expect(await counts()).to.deep.equal(before);

    // Tabs and line breaks (CRLF from a textarea included) are text, and are kept.
    const ok = await api.post('/api/v1/incidents', { title: 'Tab\there', severity: 4, message: 'line one\r\nline two\nthree' });
    expect(ok.status, ok.text).to.equal(201);
  });

  it('malformed component fields on the console incident forms are a 400 naming the field', async () => {
    const web = await component('Web');
    const { c } = await signInAs(s.baseUrl, 'regular');
    const before = await counts();
    const notUuid = await c.form('/console/incidents', { title: 'T', severity: '2', message: 'm', 'c.notauuid': 'major_outage' }, '/console/incidents/new');
    expect(notUuid.status).to.equal(400);
    expect(notUuid.text).to.include('c.notauuid');
    const bogus = await c.form('/console/incidents', { title: 'T', severity: '2', message: 'm', [`c.${web.id}`]: 'bogus' }, '/console/incidents/new');
    expect(bogus.status).to.equal(400);
    expect(bogus.text).to.include('must be one of');
    expect(await counts()).to.deep.equal(before);

    const created = await c.form('/console/incidents', { title: 'T', severity: '2', message: 'm', [`c.${web.id}`]: 'major_outage' }, '/console/incidents/new');
    const path = created.headers.get('location')!.split('?')[0]!;
    const update = await c.form(`${path}/updates`, { status: 'identified', message: 'x', 'c.zzz': 'operational' }, path);
    expect(update.status).to.equal(400);
  });

  it('an unreadable effective_at on the maintenance-windows form is a 400', async () => {
    const { c } = await signInAs(s.baseUrl, 'admin');
    const before = await counts();
    for (const effective_at of ['soon', '2026-13-45T99:99', '9999-12-31T23:59', '+275760-09-13T00:00:00.000Z']) {
      const res = await c.form('/console/maintenance-windows', { rules: 'Tue 22:00-02:00', effective_at });
      expect(res.status, effective_at).to.equal(400);
      expect(res.text).to.include('effective_at');
    }
    expect(await counts()).to.deep.equal(before);
  });

  it('dates outside 2000–2100 are a 400 naming the field; /history of year 9999 is a 400 page', async () => {
    const { api } = await signInAs(s.baseUrl, 'admin');
    const before = await counts();
    const put = (effective_at: string) => api.put('/api/v1/maintenance-windows', { rules: [{ weekday: 2, start: '22:00', end: '02:00', zone: 'America/New_York' }], effective_at });
    for (const d of ['9999-12-31T23:59:59Z', '+275760-09-13T00:00:00.000Z', '1999-12-31T23:59:59Z', '2101-01-01T00:00:00Z']) {
      const res = await put(d);
      expectContract(res, 400, 'validation_failed');
      expect(res.body.error.details.fields[0].field).to.equal('effective_at');
    }
    const m = await api.post('/api/v1/maintenances', { title: 'x', body: 'y', kind: 'unplanned', reason: 'r', scheduled_until: '9999-12-31T23:59:59Z' });
    expect(m.body.error.details.fields[0]).to.deep.equal({ field: 'scheduled_until', message: 'must be between the years 2000 and 2100' });
    const far = await api.get('/api/v1/incidents?from=%2B275760-09-13T00:00:00.000Z');
    expectContract(far, 400);
    const startDate = await api.post('/api/v1/components', { name: 'X', start_date: '9999-12-31' });
    expect(startDate.body.error.details.fields[0].field).to.equal('start_date');
    expect(await counts()).to.deep.equal(before);

    for (const month of ['9999-12', '0000-01', '1999-12', '2101-01']) {
      const page = await new Client(s.baseUrl).get(`/history?month=${month}`, { accept: 'text/html' });
      expect(page.status, month).to.equal(400);
    }
    expect((await new Client(s.baseUrl).get('/history?month=2100-12', { accept: 'text/html' })).status).to.equal(200);
    const first = await new Client(s.baseUrl).get('/history?month=2000-01', { accept: 'text/html' });
    expect(first.status).to.equal(200);
    expect(first.text, 'no link to a month that would be refused').not.to.include('month=1999-12');
  });
});

describe('the error handler', () => {
  async function serve(fail: () => never) {
    const logs = new LogSink();
    const app = express();
    app.use(pinoHttp({ logger: createLogger('info', logs) }));
    app.get('/x', () => fail());
    app.use(errorHandler);
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const res = await new Client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`).get('/x', { accept: 'application/json' });
    await new Promise<void>((r) => server.close(() => r()));
    return { res, logs: logs.text() };
  }

  it('a genuine bug is still a logged 500', async () => {
    const { res, logs } = await serve(() => {
      throw new TypeError('cannot read properties of undefined');
    });
    expect(res.status).to.equal(500);
    expect(res.body.error.code).to.equal('internal_error');
    expect(logs).to.include('unhandled error').and.include('cannot read properties of undefined');
  });

  it('a PostgreSQL data exception from a request value is a 400, logged without the query parameters', async () => {
    const { res, logs } = await serve(() => {
      throw Object.assign(new Error('Failed query: insert into notes values ($1) params: secret-user-text'), { cause: Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' }) });
    });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('invalid_value');
    expect(logs).to.include('22021').and.not.include('secret-user-text');
  });

  it('body-parser and router failures are 400s in the contract', async () => {
    for (const [type, code] of [['parameters.too.many', 'too_many_fields'], ['entity.too.large', 'body_too_large'], ['charset.unsupported', 'unsupported_encoding'], ['request.aborted', 'request_aborted']]) {
      const { res } = await serve(() => {
        throw Object.assign(new Error('x'), { type, status: 413, expose: true });
      });
      expect(res.status, type).to.equal(400);
      expect(res.body.error.code, type).to.equal(code);
    }
  });
});

import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { eq } from 'drizzle-orm';
import { deliveries } from '../../server/db/schema.js';
import { fullPathOf } from '../../server/http/fastPath.js';
import { openApiPath } from '../../server/http/openapi/document.js';
import { routesOf } from '../fuzz/routes.js';
import { Receiver } from '../support/webhookReceiver.js';
import { Client } from '../support/client.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const NOW = '2026-11-29T12:00:00.000Z'; // Sunday
const SAT = { scheduled_for: '2026-12-06T03:00:00Z', scheduled_until: '2026-12-06T06:30:00Z' };
/** Routes under /api/v1 that are not the staff API (public, described elsewhere or the description itself). */
const NOT_STAFF = new Set(['GET /announcements', 'OPTIONS /announcements', 'POST /subscribers', 'GET /openapi.json', 'GET /docs', 'GET /docs/swagger-ui-bundle.js', 'GET /docs/swagger-ui.css']);

interface Seen {
  method: string;
  route: string;
  status: number;
  body: unknown;
  contentType: string;
}

describe('OpenAPI description of the staff API', () => {
  let s: TestServer;
  let doc: any;
  let ajv: Ajv2020;
  let rx: Receiver;
  const seen: Seen[] = [];
  before(async () => {
    s = await startTestServer({ now: NOW });
    rx = new Receiver();
    await rx.start();
    const res = await new Client(s.baseUrl).get('/api/v1/openapi.json');
    expect(res.status).to.equal(200);
    doc = res.body;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'beacon:openapi', components: doc.components }, 'beacon:openapi');
  });
  after(async () => {
    await rx.close();
    await s.close();
  });

  /** A request through a route pattern, recorded with the pattern for validation. */
  function caller(c: Client) {
    return async (method: string, route: string, params: Record<string, string | number> = {}, body?: unknown, query = '') => {
      const path = route.replace(/:(\w+)/g, (_m, k: string) => encodeURIComponent(String(params[k])));
      const res = await c.request(method.toUpperCase(), `/api/v1${path}${query}`, body);
      seen.push({ method: method.toLowerCase(), route, status: res.status, body: res.body, contentType: res.headers.get('content-type') ?? '' });
      return res;
    };
  }

  function validatorFor(method: string, route: string, status: number) {
    const op = doc.paths[openApiPath(route)]?.[method];
    const response = op?.responses?.[String(status)];
    if (!response) return null;
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return { noBody: true as const };
    // Refs point into #/components of the description; resolve them through the registered document.
    const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"beacon:openapi#/components/'));
    return { validate: ajv.compile(rebased) };
  }

  it('is OpenAPI 3.1, served publicly, with a reference page from the installed package', async () => {
    expect(doc.openapi).to.equal('3.1.0');
    const anon = new Client(s.baseUrl);
    const page = await anon.get('/api/v1/docs', { accept: 'text/html' });
    expect(page.status).to.equal(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).to.include("script-src 'self'").and.not.include('http');
    const srcs = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(srcs.every((u) => u.startsWith('/')), 'everything from this server, no CDN').to.equal(true);
    for (const u of srcs) {
      const asset = await anon.get(u);
      expect(asset.status, u).to.equal(200);
      expect(asset.text.length, u).to.be.greaterThan(50);
    }
    expect((await anon.get('/api/v1/docs/package.json')).status).to.equal(404);
  });

  it('describes every staff route under /api/v1, and nothing that is not a route', () => {
    const routes = routesOf(fullPathOf(s.runtime.snapshot) as never)
      .filter((r) => r.path.startsWith('/api/v1/'))
      .map((r) => `${r.method} ${r.path.slice('/api/v1'.length)}`)
      .filter((r) => !NOT_STAFF.has(r));
    expect(routes.length).to.be.greaterThan(40);
    const described = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const asDoc = (r: string) => r.replace(/:(\w+)/g, '{$1}');
    expect(routes.filter((r) => !described.includes(asDoc(r))), 'staff routes missing from the description').to.deep.equal([]);
    expect(described.filter((d) => !routes.map(asDoc).includes(d)), 'described operations with no route').to.deep.equal([]);
  });

  it('real answers of every operation validate against their documented schemas', async function () {
    this.timeout(120_000);
    const adminWho = await staff('admin');
    const admin = caller(new Client(s.baseUrl, adminWho.token));
    const anon = caller(new Client(s.baseUrl));
    const ok = (res: { status: number; text: string }, status: number) => expect(res.status, res.text).to.equal(status);

    ok(await anon('post', '/tokens', {}, { email: adminWho.email, password: PASSWORD, name: 'contract' }), 201);
    ok(await anon('post', '/tokens', {}, { email: adminWho.email, password: 'wrong password', name: 'x' }), 401);
    ok(await anon('get', '/me'), 401);
    const tokens = await admin('get', '/tokens', {}, undefined, '?all=1');
    ok(tokens, 200);
    const mine = tokens.body.tokens.find((t: any) => t.name === 'contract');
    ok(await admin('delete', '/tokens/:id', { id: mine.id }), 200);
    ok(await admin('get', '/me'), 200);
    ok(await admin('get', '/users'), 200);
    const u = await admin('post', '/users', {}, { email: 'new.person@example.com', name: 'New Person' });
    ok(u, 201);
    ok(await admin('patch', '/users/:id', { id: u.body.user.id }, { role: 'regular' }), 200);
    ok(await admin('post', '/users', {}, { email: 'not an address', name: '' }), 400);
    ok(await admin('get', '/me/data'), 200);
    const cadence = await admin('get', '/update-cadence');
    ok(cadence, 200);
    ok(await admin('put', '/update-cadence', {}, cadence.body.policy), 200);
    ok(await admin('post', '/import/statuspage', {}, { components: [{ id: 'sp1', name: 'Imported API', status: 'operational', created_at: '2026-01-01T00:00:00Z' }], incidents: [], scheduled_maintenances: [] }), 200);
    const gone = await admin('post', '/users', {}, { email: 'leaving@example.com', name: 'Leaving Soon' });
    ok(await admin('delete', '/users/:id', { id: gone.body.user.id }), 204);
    // A console session of the admin to list and end.
    expect((await new Client(s.baseUrl).form('/console/login', { email: adminWho.email, password: PASSWORD })).status).to.equal(303);
    const sessions = await admin('get', '/me/sessions');
    ok(sessions, 200);
    expect(sessions.body.sessions, 'the admin signed in to the console').not.to.be.empty;
    ok(await admin('delete', '/me/sessions/:id', { id: sessions.body.sessions[0].id }), 204);
    ok(await admin('delete', '/users/:id/sessions', { id: u.body.user.id }), 200);
    ok(await admin('post', '/users/:id/password-reset', { id: u.body.user.id }), 201);
    ok(await admin('delete', '/users/:id/two-factor', { id: u.body.user.id }), 200);
    ok(await admin('get', '/settings/two-factor'), 200);
    ok(await admin('put', '/settings/two-factor', {}, { required: false }), 200);

    const group = await admin('post', '/components', {}, { name: 'Platform', group: true });
    ok(group, 201);
    const web = await admin('post', '/components', {}, { name: 'Web', group_id: group.body.id });
    ok(web, 201);
    ok(await admin('get', '/components'), 200);
    ok(await admin('get', '/components/:id', { id: web.body.id }), 200);
    ok(await admin('patch', '/components/:id', { id: web.body.id }, { status: 'degraded_performance' }), 200);
    ok(await admin('get', '/components/:id', { id: '00000000-0000-4000-8000-000000000000' }), 404);

    const inc = await admin('post', '/incidents', {}, { title: 'Checkout slow', severity: 2, message: 'Looking.', components: [{ id: web.body.id, status: 'partial_outage' }] });
    ok(inc, 201);
    const iid = { id: inc.body.id };
    ok(await admin('get', '/incidents', {}, undefined, '?status=investigating'), 200);
    ok(await admin('get', '/incidents/:id', iid), 200);
    ok(await admin('patch', '/incidents/:id', iid, { severity: 1 }), 200);
    ok(await admin('post', '/incidents/:id/updates', iid, { status: 'identified', message: 'Found it.' }), 201);
    ok(await admin('post', '/incidents/:id/milestones', iid, { milestone: 'work_start' }), 201);
    ok(await admin('post', '/incidents/:id/notes', iid, { body: 'Paged the DB team.' }), 201);
    ok(await admin('get', '/tweet-preview', {}, undefined, `?incident_id=${inc.body.id}&status=monitoring&message=Fixed`), 200);
    ok(await admin('post', '/incidents', {}, { title: 'x', severity: 9, message: 'y' }), 400);
    const tpl = await admin('post', '/incident-templates', {}, { name: 'Slow checkout', title: 'Checkout is slow', message: 'We are looking into {{components}}.', severity: 2 });
    ok(tpl, 201);
    const tid = { id: tpl.body.id };
    ok(await admin('get', '/incident-templates'), 200);
    ok(await admin('get', '/incident-templates/:id', tid), 200);
    ok(await admin('patch', '/incident-templates/:id', tid, { severity: 3 }), 200);
    ok(await admin('delete', '/incident-templates/:id', tid), 204);
    const pm = await admin('post', '/incidents', {}, { title: 'Login errors', severity: 3, message: 'Looking.' });
    ok(pm, 201);
    for (const milestone of ['work_start', 'temporary_fix', 'final_fix']) ok(await admin('post', '/incidents/:id/milestones', { id: pm.body.id }, { milestone }), 201);
    ok(await admin('put', '/incidents/:id/postmortem', { id: pm.body.id }, { body: '## What happened\n\nA bad deploy.' }), 200);
    ok(await admin('post', '/incidents/:id/postmortem/publish', { id: pm.body.id }, { notify: false }), 200);

    ok(await admin('get', '/sla-policy'), 200);
    const policy = (await admin('get', '/sla-policy')).body.policy;
    ok(await admin('put', '/sla-policy', {}, policy), 200);
    ok(await admin('get', '/reports/sla', {}, undefined, '?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z'), 200);

    const n = await admin('post', '/notices', {}, { title: 'Heads up', body: 'New login page.', level: 'info' });
    ok(n, 201);
    ok(await admin('get', '/notices'), 200);
    ok(await admin('get', '/notices/:id', { id: n.body.id }), 200);
    ok(await admin('patch', '/notices/:id', { id: n.body.id }, { title: 'Heads up!' }), 200);
    ok(await admin('delete', '/notices/:id', { id: n.body.id }), 204);

    ok(await admin('get', '/maintenance-windows', {}, undefined, '?count=2'), 200);
    const rules = (await admin('get', '/maintenance-windows')).body.rules;
    ok(await admin('put', '/maintenance-windows', {}, { rules }), 200);
    const planned = await admin('post', '/maintenances', {}, { title: 'DB upgrade', body: 'Postgres 17.', components: [web.body.id], ...SAT });
    ok(planned, 201);
    ok(await admin('get', '/maintenances'), 200);
    ok(await admin('get', '/maintenances/:id', { id: planned.body.id }), 200);
    ok(await admin('patch', '/maintenances/:id', { id: planned.body.id }, { title: 'Database upgrade' }), 200);
    ok(await admin('post', '/maintenances/:id/cancel', { id: planned.body.id }, { reason: 'Vendor delay' }), 200);
    const now = await admin('post', '/maintenances', {}, { title: 'Patch', body: 'TLS.', kind: 'unplanned', reason: 'CVE', scheduled_until: '2026-11-29T13:00:00Z' });
    ok(now, 201);
    ok(await admin('post', '/maintenances/:id/verifying', { id: now.body.id }), 200);
    ok(await admin('post', '/maintenances/:id/complete', { id: now.body.id }), 200);
    ok(await admin('post', '/maintenances/:id/complete', { id: now.body.id }), 409);

    const hook = await admin('post', '/webhooks', {}, { type: 'slack', url: rx.url });
    ok(hook, 201);
    const hid = { id: hook.body.id };
    ok(await admin('get', '/webhooks'), 200);
    ok(await admin('get', '/webhooks/:id', hid), 200);
    ok(await admin('patch', '/webhooks/:id', hid, { description: 'ops' }), 200);
    ok(await admin('post', '/webhooks/:id/test', hid), 200);

    await s.runtime.dispatcher.drain();
    const [d] = await s.deps.database.db.select().from(deliveries).limit(1);
    expect(d, 'a delivery to retry').to.not.equal(undefined);
    await s.deps.database.db.update(deliveries).set({ status: 'dead' }).where(eq(deliveries.id, d!.id));
    ok(await admin('get', '/deliveries', {}, undefined, '?status=dead'), 200);
    const paged = await admin('get', '/deliveries', {}, undefined, '?limit=1');
    ok(paged, 200);
    expect(paged.body.next_cursor, 'a second page, so the cursor type is checked').to.not.equal(null);
    ok(await admin('post', '/deliveries/:id/retry', { id: d!.id }), 200);
    ok(await admin('get', '/audit', {}, undefined, '?limit=5'), 200);
    ok(await admin('get', '/export'), 200);
    ok(await admin('delete', '/webhooks/:id', hid), 204);
    ok(await admin('delete', '/components/:id', { id: web.body.id }), 204);

    // Every answer has a documented status and matches its schema.
    const problems: string[] = [];
    for (const h of seen) {
      const v = validatorFor(h.method, h.route, h.status);
      if (!v) {
        problems.push(`${h.method.toUpperCase()} ${h.route} → ${h.status} is not documented`);
        continue;
      }
      if ('noBody' in v) {
        if (h.body !== undefined) problems.push(`${h.method.toUpperCase()} ${h.route} → ${h.status} has a body but none is documented`);
        continue;
      }
      expect(h.contentType, `${h.route} ${h.status}`).to.match(/^application\/json/);
      if (!v.validate(h.body)) problems.push(`${h.method.toUpperCase()} ${h.route} → ${h.status}: ${ajv.errorsText(v.validate.errors)}`);
    }
    expect(problems).to.deep.equal([]);
    // And every described operation was exercised with a success.
    const succeeded = new Set(seen.filter((h) => h.status < 300).map((h) => `${h.method} ${openApiPath(h.route)}`));
    const described = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(described.filter((d) => !succeeded.has(d)), 'operations with no checked success').to.deep.equal([]);
  });

  it('the validator is not a rubber stamp: a wrong answer fails its schema', () => {
    const v = validatorFor('get', '/webhooks/:id', 200);
    expect(v && 'validate' in v).to.equal(true);
    const validate = (v as { validate: (x: unknown) => boolean }).validate;
    const good = { id: '6f1c1a52-8d8f-4a7e-9d1b-0a6c2f1f9a10', type: 'slack', url: 'https://x', components: null, description: null, active: true, created_by: null, created_at: NOW, updated_at: NOW };
    expect(validate(good)).to.equal(true);
    expect(validate({ ...good, type: 'irc' })).to.equal(false);
    expect(validate({ ...good, active: 'yes' })).to.equal(false);
    const { url: _u, ...missing } = good;
    expect(validate(missing)).to.equal(false);
  });
});

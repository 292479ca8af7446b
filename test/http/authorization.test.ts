import { expect } from 'chai';
import { Client } from '../support/client.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

type Who = 'anonymous' | 'observer' | 'regular' | 'admin';
const WHO: Who[] = ['anonymous', 'observer', 'regular', 'admin'];

// Every staff endpoint with the lowest role allowed. Bodies are valid so allowed roles get 2xx.
interface Case {
  method: string;
  path: string | ((ids: Record<string, string>) => string);
  body?: () => unknown;
  min: Exclude<Who, 'anonymous'>;
}
export const RANK: Record<Who, number> = { anonymous: 0, observer: 1, regular: 2, admin: 3 };

export async function runMatrix(s: TestServer, cases: Case[], setup?: (admin: Client) => Promise<Record<string, string>>) {
  for (const c of cases) {
    for (const who of WHO) {
      // Fresh accounts per cell so earlier writes cannot leak into later checks.
      const actors = { observer: await staff('observer'), regular: await staff('regular'), admin: await staff('admin') };
      const ids = setup ? await setup(new Client(s.baseUrl, actors.admin.token)) : {};
      const client = new Client(s.baseUrl, who === 'anonymous' ? undefined : actors[who].token);
      const path = typeof c.path === 'function' ? c.path({ ...ids, selfUser: who === 'anonymous' ? actors.regular.actor.id : actors[who].actor.id, regularUser: actors.regular.actor.id }) : c.path;
      const res = await client.request(c.method, path, c.body?.());
      const expected = who === 'anonymous' ? 401 : RANK[who] >= RANK[c.min] ? 'ok' : 403;
      const label = `${c.method} ${path} as ${who}: got ${res.status} ${res.text.slice(0, 200)}`;
      if (expected === 'ok') expect(res.status, label).to.be.within(200, 299);
      else expect(res.status, label).to.equal(expected);
    }
  }
}

describe('authorization matrix: foundation endpoints', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());

  it('grants each role exactly its endpoints', async function () {
    this.timeout(60_000);
    let n = 0;
    await runMatrix(s, [
      { method: 'GET', path: '/api/v1/me', min: 'observer' },
      { method: 'GET', path: '/api/v1/tokens', min: 'observer' },
      { method: 'GET', path: '/api/v1/users', min: 'admin' },
      { method: 'POST', path: '/api/v1/users', body: () => ({ email: `u${n++}@example.com`, name: 'U', role: 'observer' }), min: 'admin' },
      { method: 'PATCH', path: (ids) => `/api/v1/users/${ids.regularUser}`, body: () => ({ name: 'Renamed' }), min: 'admin' },
      { method: 'GET', path: '/api/v1/audit', min: 'admin' },
      { method: 'GET', path: '/api/v1/me/sessions', min: 'observer' },
      { method: 'DELETE', path: (ids) => `/api/v1/users/${ids.regularUser}/sessions`, min: 'admin' },
      { method: 'POST', path: (ids) => `/api/v1/users/${ids.regularUser}/password-reset`, min: 'admin' },
      { method: 'DELETE', path: (ids) => `/api/v1/users/${ids.regularUser}/two-factor`, min: 'admin' },
      { method: 'GET', path: '/api/v1/settings/two-factor', min: 'admin' },
      { method: 'PUT', path: '/api/v1/settings/two-factor', body: () => ({ required: false }), min: 'admin' },
      { method: 'GET', path: '/api/v1/me/data', min: 'observer' },
      { method: 'GET', path: '/api/v1/export', min: 'admin' },
      { method: 'POST', path: '/api/v1/import/statuspage', body: () => ({ components: [], incidents: [], scheduled_maintenances: [] }), min: 'admin' },
      { method: 'DELETE', path: (ids) => `/api/v1/users/${ids.regularUser}`, min: 'admin' },
    ]);
  });

  it('console pages: anonymous is sent to login, non-admins get 403 on admin pages', async () => {
    const anon = await new Client(s.baseUrl).get('/console/users', { accept: 'text/html' });
    expect(anon.status).to.equal(303);
    expect(anon.headers.get('location')).to.equal('/console/login?next=%2Fconsole%2Fusers');
    for (const role of ['observer', 'regular'] as const) {
      const who = await staff(role);
      const c = new Client(s.baseUrl);
      await c.form('/console/login', { email: who.email, password: PASSWORD });
      expect((await c.get('/console/users', { accept: 'text/html' })).status).to.equal(403);
      expect((await c.get('/console/audit', { accept: 'text/html' })).status).to.equal(403);
    }
  });
});

describe('authorization matrix: incidents, components, SLA', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());

  it('grants each role exactly its endpoints', async function () {
    this.timeout(120_000);
    let n = 0;
    const setup = async (admin: Client) => {
      const comp = await admin.post('/api/v1/components', { name: `C${n++}` });
      const inc = await admin.post('/api/v1/incidents', { title: 'x', severity: 2, message: 'y' });
      const policy = (await admin.get('/api/v1/sla-policy')).body.policy;
      return { component: comp.body.id, incident: inc.body.id, policy: JSON.stringify(policy) };
    };
    let policyJson = '';
    await runMatrix(
      s,
      [
        { method: 'GET', path: '/api/v1/components', min: 'observer' },
        { method: 'GET', path: (ids) => `/api/v1/components/${ids.component}`, min: 'observer' },
        { method: 'POST', path: '/api/v1/components', body: () => ({ name: `New ${n++}` }), min: 'admin' },
        { method: 'PATCH', path: (ids) => `/api/v1/components/${ids.component}`, body: () => ({ name: 'Renamed' }), min: 'admin' },
        { method: 'PATCH', path: (ids) => `/api/v1/components/${ids.component}`, body: () => ({ status: 'partial_outage' }), min: 'regular' },
        { method: 'DELETE', path: (ids) => `/api/v1/components/${ids.component}`, min: 'admin' },
        { method: 'GET', path: '/api/v1/incidents', min: 'observer' },
        { method: 'GET', path: (ids) => `/api/v1/incidents/${ids.incident}`, min: 'observer' },
        { method: 'POST', path: '/api/v1/incidents', body: () => ({ title: 't', severity: 3, message: 'm' }), min: 'regular' },
        { method: 'PATCH', path: (ids) => `/api/v1/incidents/${ids.incident}`, body: () => ({ severity: 1 }), min: 'regular' },
        { method: 'POST', path: (ids) => `/api/v1/incidents/${ids.incident}/updates`, body: () => ({ status: 'identified', message: 'm' }), min: 'regular' },
        { method: 'POST', path: (ids) => `/api/v1/incidents/${ids.incident}/milestones`, body: () => ({ milestone: 'work_start' }), min: 'regular' },
        { method: 'POST', path: (ids) => `/api/v1/incidents/${ids.incident}/notes`, body: () => ({ body: 'note' }), min: 'regular' },
        { method: 'GET', path: '/api/v1/sla-policy', min: 'observer' },
        { method: 'PUT', path: (ids) => ((policyJson = ids.policy!), '/api/v1/sla-policy'), body: () => JSON.parse(policyJson), min: 'admin' },
        { method: 'GET', path: '/api/v1/reports/sla', min: 'observer' },
      ],
      setup,
    );
  });
});

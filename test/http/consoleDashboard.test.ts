import { expect } from 'chai';
import { deliveries, outboxEvents } from '../../server/db/schema.js';
import { signInAs } from '../support/client.js';
import { component } from '../support/components.js';
import { testDatabase } from '../support/db.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const html = { accept: 'text/html' };
const NOW = '2026-11-29T12:00:00Z';

/** The checklist items on the dashboard as { key: done }, or null when there is no checklist. */
function checklistOf(page: string): Record<string, boolean> | null {
  if (!page.includes('id="checklist"')) return null;
  return Object.fromEntries([...page.matchAll(/data-item="([a-z_]+)" data-done="(true|false)"/g)].map((m) => [m[1]!, m[2] === 'true']));
}

describe('console: dashboard', () => {
  describe('first-run checklist (e-mail and Twitter off)', () => {
    let s: TestServer;
    before(async () => (s = await startTestServer({ now: NOW })));
    after(() => s.close());

    it('lists what a new install lacks; each item is ticked when done', async () => {
      const { c } = await signInAs(s.baseUrl, 'admin');
      let page = await c.get('/console', html);
      expect(page.status).to.equal(200);
      expect(checklistOf(page.text)).to.deep.equal({ components: false, sla_policy: false, second_admin: false, email: false, twitter: false });
      expect(page.text).to.include('5 left').and.include('SMTP_URL').and.include('TWITTER_APP_KEY');
      expect(page.text).to.include('href="/console/components">Add the components customers see</a>');

      // A component (a group alone does not count).
      await component('Platform', { isGroup: true });
      expect(checklistOf((await c.get('/console', html)).text)!.components).to.equal(false);
      await component('Web app');
      expect(checklistOf((await c.get('/console', html)).text)!.components).to.equal(true);

      // A second admin counts once they have a password (an open invitation does not).
      const invite = await c.form('/console/users', { name: 'Second', email: 'second@example.com', role: 'admin' });
      expect(invite.status).to.equal(201);
      expect(checklistOf((await c.get('/console', html)).text)!.second_admin).to.equal(false);
      await staff('admin');
      expect(checklistOf((await c.get('/console', html)).text)!.second_admin).to.equal(true);

      // Confirming the SLA policy as it stands marks it reviewed, and says so.
      const confirmed = await c.form('/console/sla-policy/confirm', {}, '/console/sla-policy');
      expect(confirmed.status).to.equal(303);
      expect(confirmed.headers.get('location')).to.equal('/console/sla-policy?done=sla_policy_confirmed');
      expect((await c.get(confirmed.headers.get('location')!, html)).text).to.include('The SLA policy is marked as reviewed.');
      page = await c.get('/console', html);
      expect(checklistOf(page.text)).to.deep.equal({ components: true, sla_policy: true, second_admin: true, email: false, twitter: false });
      expect(page.text).to.include('2 left');
    });

    it('saving the SLA policy also counts as reviewing it', async () => {
      const { c, api } = await signInAs(s.baseUrl, 'admin');
      const { policy } = (await api.get('/api/v1/sla-policy')).body;
      const fields: Record<string, string> = {};
      for (const sev of ['1', '2', '3', '4']) for (const m of ['work_start', 'temporary_fix', 'final_fix']) fields[`sev${sev}_${m}`] = policy[sev][m] === null ? '' : `${policy[sev][m]}m`;
      expect((await c.form('/console/sla-policy', fields)).status).to.equal(303);
      expect(checklistOf((await c.get('/console', html)).text)!.sla_policy).to.equal(true);
    });

    it('an admin dismisses it for everyone; observers see it but cannot dismiss it', async () => {
      const obs = await signInAs(s.baseUrl, 'observer');
      let page = await obs.c.get('/console', html);
      expect(checklistOf(page.text)).not.to.equal(null);
      expect(page.text).not.to.include('action="/console/checklist/dismiss"');
      expect((await obs.c.form('/console/checklist/dismiss', {}, '/console')).status).to.equal(403);

      const { c } = await signInAs(s.baseUrl, 'admin');
      const res = await c.form('/console/checklist/dismiss', {}, '/console');
      expect(res.status).to.equal(303);
      page = await c.get(res.headers.get('location')!, html);
      expect(page.text).to.include('Checklist dismissed.');
      expect(checklistOf(page.text)).to.equal(null);
      expect(checklistOf((await obs.c.get('/console', html)).text)).to.equal(null);
      // With the checklist gone the overview still warns that nobody is e-mailed.
      expect(page.text).to.include('E-mail is off');
      expect(page.text).to.include('id="overview"');
    });
  });

  describe('with every channel configured and everything set up', () => {
    let s: TestServer;
    before(async () => (s = await startTestServer({
      now: NOW,
      env: { SMTP_URL: 'smtp://127.0.0.1:9', TWITTER_APP_KEY: 'k', TWITTER_APP_SECRET: 's', TWITTER_ACCESS_TOKEN: 't', TWITTER_ACCESS_SECRET: 'a' },
    })));
    after(() => s.close());

    it('shows no checklist once everything is done', async () => {
      const { c } = await signInAs(s.baseUrl, 'admin');
      await staff('admin');
      await component('Web app');
      expect(checklistOf((await c.get('/console', html)).text)).to.deep.include({ email: true, twitter: true, components: true, second_admin: true, sla_policy: false });
      await c.form('/console/sla-policy/confirm', {}, '/console/sla-policy');
      const page = await c.get('/console', html);
      expect(checklistOf(page.text)).to.equal(null);
      expect(page.text).not.to.include('E-mail is off');
    });

    it('the live overview shows open incidents with SLA state, the next maintenance and delivery failures', async () => {
      const { c, api } = await signInAs(s.baseUrl, 'admin');
      const inc = (await api.post('/api/v1/incidents', { title: 'Checkout fails', severity: 1, message: 'Looking' })).body;
      const m = await api.post('/api/v1/maintenances', { kind: 'planned', title: 'DB upgrade', body: 'Upgrading', scheduled_for: '2026-12-06T03:00:00Z', scheduled_until: '2026-12-06T05:00:00Z' });
      expect(m.status, m.text).to.equal(201);
      const { db } = await testDatabase();
      const [ev] = await db.insert(outboxEvents).values({ type: 'incident.created', payload: {}, createdAt: new Date(NOW), dispatchedAt: new Date(NOW) }).returning();
      await db.insert(deliveries).values([
        { eventId: ev!.id, channel: 'webhook', target: 'https://hooks.example.com/a', idempotencyKey: 'dead-1', status: 'dead', attempts: 8, nextAttemptAt: new Date(NOW), lastError: 'HTTP 500 from receiver', createdAt: new Date(NOW) },
        { eventId: ev!.id, channel: 'email', target: 'x@example.com', idempotencyKey: 'retry-1', status: 'pending', attempts: 2, nextAttemptAt: new Date(NOW), lastError: 'timeout', createdAt: new Date(NOW) },
      ]);

      const page = await c.get('/console', html);
      const overview = page.text.slice(page.text.indexOf('id="overview"'));
      expect(overview).to.include(`href="/console/incidents/${inc.id}">Checkout fails</a>`);
      expect(overview).to.include('Work start: <span class="state state-pending">○ pending</span> <time datetime="2026-11-29T13:00:00.000Z" data-countdown>');
      expect(overview).to.include('DB upgrade').and.include('Sat 5 Dec 2026, 22:00 EST → Sun 6 Dec 00:00 EST');
      expect(overview).to.include('1 dead letter').and.include('1 failing and being retried').and.include('HTTP 500 from receiver');
      expect(page.text).to.include('data-live-reload').and.include('/public/js/console-live.js');

      // Observers see incidents and maintenance, not the (admin-only) delivery log.
      const obs = await signInAs(s.baseUrl, 'observer');
      const theirs = await obs.c.get('/console', html);
      expect(theirs.text).to.include('Checkout fails').and.include('DB upgrade');
      expect(theirs.text).not.to.include('dead letter');
      expect(theirs.text).not.to.include('File an incident');
    });
  });
});

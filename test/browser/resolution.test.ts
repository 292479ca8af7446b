import { expect } from 'chai';
import type { BrowserContext } from 'playwright-core';
import { subscribers } from '../../server/db/schema.js';
import type { Client } from '../support/client.js';
import { component } from '../support/components.js';
import { PASSWORD, staff } from '../support/factories.js';
import type { TestServer } from '../support/server.js';
import { recipient, startSmtp, type FakeSmtp } from '../support/smtp.js';
import { browserSuite, pageErrors, settle, until } from './browser.js';

// The browser keeps cookies by its own (real) clock: a session cookie that expires by the fixed
// clock's date would be dropped, so this suite's fixed clock starts at the current minute.
const T = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();

describe('resolution notifies (console → confirm step → subscriber e-mail)', () => {
  let s: TestServer;
  let context: BrowserContext | null = null;
  let api: Client;
  let smtp: FakeSmtp;

  before(async () => (smtp = await startSmtp())); // registered first: browserSuite's server needs its URL
  after(() => smtp.close());
  browserSuite(T, (e) => ({ s, context, api } = e), { env: () => ({ SMTP_URL: smtp.url }) });

  it('staff record the final fix through the confirm form and the subscriber gets the resolution by e-mail', async () => {
    const at = new Date(T);
    await s.deps.database.db.insert(subscribers).values({ email: 'customer@example.com', componentIds: null, confirmedAt: at, createdAt: at, updatedAt: at });
    const web = await component('Checkout');
    const inc = await api.post('/api/v1/incidents', { title: 'Payments failing', severity: 1, message: 'We are investigating.', components: [{ id: web.id, status: 'major_outage' }] });
    expect(inc.status, inc.text).to.equal(201);
    s.clock.advance(10 * 60_000);
    expect((await api.post(`/api/v1/incidents/${inc.body.id}/milestones`, { milestone: 'work_start' })).status).to.equal(201);
    await settle(s);
    smtp.messages.length = 0;

    const who = await staff('regular');
    const page = await context!.newPage();
    const errors = pageErrors(page);
    await page.goto(`${s.baseUrl}/console/login`);
    await page.getByLabel('E-mail').fill(who.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login')), page.getByRole('button', { name: 'Sign in' }).click()]);

    await page.goto(`${s.baseUrl}/console/incidents/${inc.body.id}`);
    await page.getByRole('button', { name: 'Record Final fix…' }).click();
    await page.waitForURL(/\/milestones\/confirm\?/);
    const message = page.getByLabel('Message (public; edit as needed)');
    expect(await message.inputValue()).to.equal('This incident has been resolved.');
    expect(await page.getByLabel(/Post quietly/).isChecked()).to.equal(false);
    await message.fill('Payments are flowing again after the gateway rollback.');
    await Promise.all([page.waitForURL(new RegExp(`/console/incidents/${inc.body.id}(\\?done=milestone_recorded)?$`)), page.getByRole('button', { name: 'Resolve and publish' }).click()]);
    expect(await page.locator('body').textContent()).to.include('Status resolved');

    await settle(s);
    const mail = await until(() => smtp.messages.find((m) => recipient(m) === 'customer@example.com'), `the subscriber's resolution e-mail arrives\n${errors.join('\n')}`);
    expect(mail!.subject).to.equal('[Beacon] Resolved: Payments failing');
    expect(mail!.text).to.include('Payments are flowing again after the gateway rollback.');
  });
});

import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { auditLog, deliveries, webhookEndpoints } from '../../server/db/schema.js';
import { postWebhook, type Resolver } from '../../server/notify/webhookPost.js';
import { Client, signInAs } from '../support/client.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { Receiver } from '../support/webhookReceiver.js';

const NOW = '2026-11-29T12:00:00.000Z';

// Every spelling of an internal address a URL can carry; all must be refused when the endpoint is saved.
const INTERNAL = [
  'http://127.0.0.1/hooks',
  'http://127.1/hooks',
  'http://0x7f000001/hooks',
  'http://2130706433/hooks',
  'http://0177.0.0.1/hooks',
  'http://0x7f.1/hooks',
  'http://127.0.0.1.:8080/hooks',
  'http://[::1]/hooks',
  'http://[::ffff:127.0.0.1]/hooks',
  'http://[::ffff:7f00:1]/hooks',
  'http://[0:0:0:0:0:ffff:169.254.169.254]/latest/meta-data/',
  'http://169.254.169.254/latest/meta-data/',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://100.100.100.200/latest/meta-data/',
  'http://10.0.0.1/hooks',
  'http://172.16.5.4/hooks',
  'http://172.31.255.255/hooks',
  'http://192.168.1.1/hooks',
  'http://100.64.0.1/hooks',
  'http://0.0.0.0/hooks',
  'http://0/hooks',
  'http://[::]/hooks',
  'http://224.0.0.1/hooks',
  'http://[ff02::1]/hooks',
  'http://[fe80::1]/hooks',
  'http://[fc00::1]/hooks',
  'http://[64:ff9b::7f00:1]/hooks',
  'http://[2002:7f00:1::]/hooks',
  'https://255.255.255.255/hooks',
];
const PUBLIC = ['https://hooks.example.com/beacon', 'http://93.184.215.14/hooks', 'http://[2606:4700:4700::1111]/hooks', 'http://172.32.0.1/hooks'];

const open = new WeakMap<net.Server, Set<net.Socket>>();
function listen(server: net.Server): Promise<number> {
  const sockets = new Set<net.Socket>();
  open.set(server, sockets);
  server.on('connection', (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}
/** A server that never reads its sockets never sees them end: destroy them so close() returns. */
function close(server: net.Server): Promise<void> {
  for (const sock of open.get(server) ?? []) sock.destroy();
  return new Promise((r) => server.close(() => r()));
}

describe('webhooks cannot reach inside the network (SSRF)', () => {
  describe('with the default policy', () => {
    let s: TestServer;
    let rx: Receiver;
    let admin: Client;
    before(async () => {
      s = await startTestServer({ now: NOW, env: { WEBHOOK_ALLOW_PRIVATE: 'false' } }); // the production default
      rx = new Receiver();
      await rx.start();
    });
    after(async () => {
      await rx.close();
      await s.close();
    });
    beforeEach(async () => {
      rx.hits = [];
      admin = new Client(s.baseUrl, (await staff('admin')).token);
    });

    it('refuses every spelling of an internal IP literal on create and on change, writing nothing', async () => {
      for (const url of INTERNAL) {
        const res = await admin.post('/api/v1/webhooks', { url });
        expect(res.status, `${url}: ${res.text}`).to.equal(422);
        expect(res.body.error.code, url).to.equal('webhook_target_not_allowed');
        expect(res.body.error.details.fields[0].field).to.equal('url');
      }
      expect(await s.deps.database.db.select().from(webhookEndpoints)).to.deep.equal([]);
      expect((await s.deps.database.db.select().from(auditLog)).filter((a) => a.action.startsWith('webhook.'))).to.deep.equal([]);

      const ok = await admin.post('/api/v1/webhooks', { url: PUBLIC[0] });
      expect(ok.status, ok.text).to.equal(201);
      for (const url of INTERNAL) {
        const res = await admin.patch(`/api/v1/webhooks/${ok.body.id}`, { url });
        expect(res.status, `${url}: ${res.text}`).to.equal(422);
        expect(res.body.error.code).to.equal('webhook_target_not_allowed');
      }
      const [row] = await s.deps.database.db.select().from(webhookEndpoints);
      expect(row!.url).to.equal(PUBLIC[0]);
      const audited = (await s.deps.database.db.select().from(auditLog)).map((a) => a.action).filter((a) => a.startsWith('webhook.'));
      expect(audited).to.deep.equal(['webhook.create']);
    });

    it('accepts public addresses and host names', async () => {
      for (const url of PUBLIC) {
        const res = await admin.post('/api/v1/webhooks', { url });
        expect(res.status, `${url}: ${res.text}`).to.equal(201);
      }
    });

    it('the console refuses them too, with the message on the form', async () => {
      const { c } = await signInAs(s.baseUrl, 'admin');
      for (const url of ['http://0x7f000001/x', 'http://[::ffff:127.0.0.1]/x', 'http://169.254.169.254/']) {
        const res = await c.form('/console/webhooks', { url }, '/console/webhooks');
        expect(res.status, url).to.equal(422);
        expect(res.text).to.include('non-public address');
      }
      expect(await s.deps.database.db.select().from(webhookEndpoints)).to.deep.equal([]);
    });

    it('a host name that resolves to loopback is refused at send time: nothing reaches the receiver', async () => {
      const port = new URL(rx.url).port;
      const hook = await admin.post('/api/v1/webhooks', { url: `http://localhost:${port}/hooks` });
      expect(hook.status, 'a name is judged on its address when sending').to.equal(201);
      const api = new Client(s.baseUrl, (await staff('regular')).token);
      expect((await api.post('/api/v1/incidents', { title: 'Outage', severity: 2, message: 'Looking.' })).status).to.equal(201);
      await s.runtime.dispatcher.drain();
      expect(rx.hits).to.have.length(0);
      const [row] = await s.deps.database.db.select().from(deliveries).where(eq(deliveries.channel, 'webhook'));
      expect(row).to.include({ status: 'dead' });
      expect(row!.lastError).to.include('not allowed');
      const ping = await admin.post(`/api/v1/webhooks/${hook.body.id}/test`);
      expect(ping.body).to.deep.equal({ delivered: false, status: null, ok: false });
      expect(rx.hits).to.have.length(0);
    });

    it('an endpoint stored with an internal literal (before the rule, or under WEBHOOK_ALLOW_PRIVATE) is refused at send time', async () => {
      const { actor } = await staff('admin');
      await s.deps.database.db.insert(webhookEndpoints).values({ url: rx.url.replace('127.0.0.1', '0x7f000001'), secret: 'x'.repeat(43), createdBy: actor.id, createdAt: new Date(NOW), updatedAt: new Date(NOW) });
      const api = new Client(s.baseUrl, (await staff('regular')).token);
      expect((await api.post('/api/v1/incidents', { title: 'Outage', severity: 2, message: 'Looking.' })).status).to.equal(201);
      await s.runtime.dispatcher.drain();
      expect(rx.hits).to.have.length(0);
      const [row] = await s.deps.database.db.select().from(deliveries).where(eq(deliveries.channel, 'webhook'));
      expect(row).to.include({ status: 'dead' });
    });
  });

  describe('postWebhook: the address checked is the address connected to', () => {
    let rx: Receiver;
    before(async () => {
      rx = new Receiver();
      await rx.start();
    });
    after(() => rx.close());
    beforeEach(() => (rx.hits = []));
    const message = { id: 'm1', type: 'ping', created_at: NOW, data: {} };
    const port = () => new URL(rx.url).port;
    /** A DNS server under the test's control: answers `addresses` for every name. */
    const dnsAnswering = (...addresses: string[]): Resolver => (_host, _opts, cb) => cb(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

    it('refuses a name whose DNS answer is internal (rebinding), also when mixed with a public address', async () => {
      for (const answer of [['127.0.0.1'], ['93.184.215.14', '127.0.0.1'], ['::ffff:127.0.0.1'], ['169.254.169.254']]) {
        const a = await postWebhook({ url: `http://rebind.example:${port()}/hooks`, secret: 's' }, message, new Date(NOW), 2_000, { allowPrivate: false, resolve: dnsAnswering(...answer) });
        expect(a, answer.join(',')).to.include({ status: null, ok: false, refused: true });
      }
      expect(rx.hits).to.have.length(0);
      // The same resolver, private addresses allowed: the request goes to exactly the address it returned.
      const a = await postWebhook({ url: `http://rebind.example:${port()}/hooks`, secret: 's' }, message, new Date(NOW), 2_000, { allowPrivate: true, resolve: dnsAnswering('127.0.0.1') });
      expect(a).to.include({ status: 204, ok: true });
      expect(rx.hits).to.have.length(1);
      expect(rx.hits[0]!.headers.host).to.equal(`rebind.example:${port()}`);
    });

    it('never follows a redirect (here to another loopback server)', async () => {
      const inner = new Receiver();
      await inner.start();
      try {
        rx.answer = { status: 307, headers: { Location: inner.url } };
        const a = await postWebhook({ url: rx.url, secret: 's' }, message, new Date(NOW), 2_000, { allowPrivate: true });
        expect(a).to.include({ status: 307, ok: false });
        expect(rx.hits).to.have.length(1);
        expect(inner.hits).to.have.length(0);
      } finally {
        rx.answer = { status: 204 };
        await inner.close();
      }
    });

    it('gives up on a silent receiver at the response timeout, and on a hanging connect at the connect timeout', async () => {
      const silent = net.createServer(() => {});
      const p = await listen(silent);
      try {
        let t = performance.now();
        const a = await postWebhook({ url: `http://127.0.0.1:${p}/`, secret: 's' }, message, new Date(NOW), 300, { allowPrivate: true });
        expect(a).to.include({ status: null, ok: false });
        expect(a.error).to.include('timed out');
        expect(performance.now() - t).to.be.lessThan(2_000);
        t = performance.now();
        const hang: Resolver = () => {}; // DNS that never answers
        const b = await postWebhook({ url: 'http://slow-dns.example/', secret: 's' }, message, new Date(NOW), 10_000, { allowPrivate: false, resolve: hang, connectTimeoutMs: 200 });
        expect(b.error).to.include('could not connect');
        expect(performance.now() - t).to.be.lessThan(2_000);
      } finally {
        await close(silent);
      }
    });
  });

  describe('the test ping is not a port scanner', () => {
    let s: TestServer;
    let admin: Client;
    const servers: net.Server[] = [];
    before(async () => {
      s = await startTestServer({ now: NOW, env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    });
    after(async () => {
      for (const srv of servers) await close(srv);
      await s.close();
    });

    it('answers the same for a closed port, an open non-HTTP port and a silent port', async function () {
      this.timeout(30_000);
      admin = new Client(s.baseUrl, (await staff('admin')).token);
      const gone = net.createServer();
      const closedPort = await listen(gone);
      await close(gone);
      const banner = net.createServer((sock) => sock.end('SSH-2.0-OpenSSH_9.2\r\n'));
      const silent = net.createServer(() => {});
      servers.push(banner, silent);
      const ports = { closed: closedPort, banner: await listen(banner), silent: await listen(silent) };
      const answers: Record<string, unknown> = {};
      for (const [what, port] of Object.entries(ports)) {
        const hook = await admin.post('/api/v1/webhooks', { url: `http://127.0.0.1:${port}/hooks` });
        expect(hook.status).to.equal(201);
        const res = await admin.post(`/api/v1/webhooks/${hook.body.id}/test`);
        expect(res.status).to.equal(200);
        answers[what] = res.body;
      }
      const notDelivered = { delivered: false, status: null, ok: false };
      expect(answers).to.deep.equal({ closed: notDelivered, banner: notDelivered, silent: notDelivered });

      // The console says the same three words for each.
      const { c } = await signInAs(s.baseUrl, 'admin');
      const hooks = (await admin.get('/api/v1/webhooks')).body.webhooks as Array<{ id: string }>;
      const results = new Set<string>();
      for (const h of hooks) {
        const page = await c.form(`/console/webhooks/${h.id}/test`, {}, '/console/webhooks');
        results.add(/<p class="test-result"[^>]*>([\s\S]*?)<\/p>/.exec(page.text)![1]!.trim());
      }
      expect([...results]).to.deep.equal(['✗ Not delivered']);
    });
  });
});

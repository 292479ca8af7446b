import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { ConfigError, loadConfig } from '../../server/config.js';
import { deliveries, subscribers } from '../../server/db/schema.js';
import { Client } from '../support/client.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z';
const CREDENTIALS = { TWITTER_APP_KEY: 'consumer-key', TWITTER_APP_SECRET: 'consumer-secret', TWITTER_ACCESS_TOKEN: 'access-token', TWITTER_ACCESS_SECRET: 'access-secret' };

/** Accepts TCP connections and never writes a byte: an SMTP server that never greets, an API that never answers. */
async function silentServer() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('delivery settings and outbound timeouts', () => {
  it('defaults: 5 pooled SMTP connections, 10 s connect and greeting, 30 s socket, 10 s Twitter, 5 min lease', () => {
    const c = loadConfig({});
    expect(c).to.include({ SMTP_POOL_SIZE: 5, SMTP_CONNECTION_TIMEOUT_MS: 10_000, SMTP_GREETING_TIMEOUT_MS: 10_000, SMTP_SOCKET_TIMEOUT_MS: 30_000, TWITTER_TIMEOUT_MS: 10_000, DELIVERY_LEASE_SECONDS: 300 });
    for (const [name, value] of [['SMTP_POOL_SIZE', '0'], ['SMTP_GREETING_TIMEOUT_MS', 'soon'], ['DELIVERY_LEASE_SECONDS', '5'], ['TWITTER_TIMEOUT_MS', '-1']]) {
      expect(() => loadConfig({ [name!]: value! }), name).to.throw(ConfigError, name);
    }
  });

  describe('against servers that accept and then say nothing', function () {
    this.timeout(20_000);
    let silent: Awaited<ReturnType<typeof silentServer>>;
    let s: TestServer;
    beforeEach(async () => (silent = await silentServer()));
    afterEach(async () => {
      await silent.close();
      await s.close();
    });

    it('an SMTP server that never greets costs a retry after the greeting timeout, not a stuck channel', async () => {
      s = await startTestServer({ now: NOW, env: { SMTP_URL: `smtp://127.0.0.1:${silent.port}`, SMTP_GREETING_TIMEOUT_MS: '300' } });
      const db = s.deps.database.db;
      await db.insert(subscribers).values({ email: 'ann@example.com', confirmedAt: new Date(NOW), createdAt: new Date(NOW), updatedAt: new Date(NOW) });
      await new Client(s.baseUrl, (await staff('regular')).token).post('/api/v1/incidents', { title: 'Checkout failing', severity: 1, message: 'Looking.' });
      const started = Date.now();
      await s.runtime.dispatcher.drain();
      expect(Date.now() - started).to.be.below(5000);
      const [row] = await db.select().from(deliveries).where(eq(deliveries.channel, 'email'));
      expect(row).to.include({ status: 'pending', attempts: 1, lockedUntil: null });
      expect(row!.lastError).to.match(/greeting/i);
    });

    it('a Twitter API that never answers costs a retry after TWITTER_TIMEOUT_MS', async () => {
      s = await startTestServer({ now: NOW, env: { ...CREDENTIALS, TWITTER_API_BASE_URL: `http://127.0.0.1:${silent.port}`, TWITTER_TIMEOUT_MS: '300' } });
      const db = s.deps.database.db;
      await new Client(s.baseUrl, (await staff('regular')).token).post('/api/v1/incidents', { title: 'Checkout failing', severity: 1, message: 'Looking.' });
      const started = Date.now();
      await s.runtime.dispatcher.drain();
      expect(Date.now() - started).to.be.below(5000);
      const [row] = await db.select().from(deliveries).where(eq(deliveries.channel, 'twitter'));
      expect(row).to.include({ status: 'pending', attempts: 1, lockedUntil: null });
      expect(row!.lastError).to.match(/timeout/i);
    });
  });
});

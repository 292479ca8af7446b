import { deriveKey } from '../../server/secretsKey.js';
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { FixedClock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { createRuntime } from '../../server/runtime.js';
import { Client } from '../support/client.js';
import { testDatabase } from '../support/db.js';
import { LogSink, TEST_SECRET, startTestServer } from '../support/server.js';

describe('readiness', () => {
  it('/healthz answers at once; /readyz is 503 until background work has started, then 200', async () => {
    const database = await testDatabase();
    const deps = { config: loadConfig({ NODE_ENV: 'test', DEMO_DATA: 'false' }), database, clock: new FixedClock('2026-11-29T12:00:00Z'), logger: createLogger('info', new LogSink()), sessionSecret: TEST_SECRET, secretsKey: deriveKey(TEST_SECRET, 'test') };
    const runtime = createRuntime(deps, { timers: false });
    await new Promise<void>((r) => runtime.server.listen(0, '127.0.0.1', () => r()));
    const client = new Client(`http://127.0.0.1:${(runtime.server.address() as AddressInfo).port}`);
    try {
      expect((await client.get('/healthz')).status).to.equal(200);
      const starting = await client.get('/readyz');
      expect(starting.status).to.equal(503);
      expect(starting.body.error.code).to.equal('starting');
      expect((await client.get('/metrics')).text).to.match(/^beacon_startup_complete 0$/m);

      await runtime.startBackground();
      const ready = await client.get('/readyz');
      expect(ready.status).to.equal(200);
      expect(ready.body).to.include({ status: 'ready', database: database.driver });
      expect(ready.body).not.to.have.property('redis'); // not configured
      expect((await client.get('/metrics')).text).to.match(/^beacon_startup_complete 1$/m);
    } finally {
      await runtime.stop();
      runtime.server.closeAllConnections();
    }
  });
});

describe('/metrics', () => {
  it('exposition follows the Prometheus lint rules: HELP and TYPE for each family, _total only on counters', async () => {
    const s = await startTestServer();
    try {
      const res = await new Client(s.baseUrl).get('/metrics');
      expect(res.status).to.equal(200);
      expect(res.text).to.include('# TYPE beacon_nodejs_active_handles gauge'); // the per-type gauges stay
      const types = new Map([...res.text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
      const helps = new Set([...res.text.matchAll(/^# HELP (\S+) /gm)].map((m) => m[1]!));
      for (const [name, type] of types) {
        expect(helps.has(name), `${name} has HELP`).to.equal(true);
        if (name.endsWith('_total')) expect(type, `${name} ends in _total`).to.equal('counter');
      }
    } finally {
      await s.close();
    }
  });

  it('reports the embedded database’s WebAssembly heap on PGlite (none on PostgreSQL)', async () => {
    const s = await startTestServer();
    try {
      const text = (await new Client(s.baseUrl).get('/metrics')).text;
      const heap = /^beacon_embedded_database_heap_bytes (\d+)$/m.exec(text)?.[1];
      if (s.deps.database.driver === 'pglite') {
        // The engine's heap is tens of MB at least (shared_buffers alone is 16 MB).
        expect(Number(heap)).to.be.greaterThan(16 * 1024 * 1024);
      } else {
        expect(heap).to.equal(undefined);
      }
    } finally {
      await s.close();
    }
  });
});

import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startBeacon, waitFor, type Child } from '../support/beaconProcess.js';
import { Client } from '../support/client.js';
import { Receiver } from '../support/webhookReceiver.js';

const EMAIL = 'redis-down@example.com';
const PASSWORD = 'redis-down-password';

describe('REDIS_URL pointing at nothing (a real dead port, a real child process)', function () {
  this.timeout(180_000);
  let child: Child;
  let rx: Receiver;
  let base: string;
  let dir: string;

  before(async () => {
    rx = new Receiver();
    await rx.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-redis-'));
    const deadPort = await freePort();
    child = startBeacon({ DATA_DIR: dir, REDIS_URL: `redis://127.0.0.1:${deadPort}`, BOOTSTRAP_ADMIN_EMAIL: EMAIL, BOOTSTRAP_ADMIN_PASSWORD: PASSWORD });
    await child.waitForOutput('Beacon listening'); // start-up finishes: it waited on Redis forever before
    base = `http://127.0.0.1:${child.port}`;
  });
  after(async () => {
    await child?.kill();
    await rx?.close();
  });

  it('starts fully and says so: the log, /readyz details and /metrics', async () => {
    expect(child.stdout).to.match(/Redis unavailable at start-up.*keeps connecting with backoff/);
    const ready = await new Client(base).get('/readyz');
    expect(ready.status, ready.text).to.equal(200);
    expect(ready.body.redis.state).to.equal('connecting');
    const metrics = await new Client(base).get('/metrics');
    expect(metrics.text).to.match(/^beacon_redis_up 0$/m);
    expect(metrics.text).to.match(/^beacon_startup_complete 1$/m);
  });

  it('the dispatcher runs: a delivery the receiver deferred (429, Retry-After: 1) is retried by its poll loop', async () => {
    const tok = await new Client(base).post('/api/v1/tokens', { email: EMAIL, password: PASSWORD, name: 'redis down' });
    expect(tok.status, tok.text).to.equal(201);
    const api = new Client(base, tok.body.token);
    const hook = await api.post('/api/v1/webhooks', { url: rx.url, description: 'receiver' });
    expect(hook.status, hook.text).to.equal(201);
    rx.answer = { status: 429, headers: { 'retry-after': '1' } };
    const inc = await api.post('/api/v1/incidents', { title: 'Redis is down, deliveries are not', severity: 2, message: 'Investigating.' });
    expect(inc.status, inc.text).to.equal(201);
    await waitFor('the first attempt (sent right after the write)', () => rx.hits.length >= 1, 30_000);
    rx.answer = { status: 204 };
    await waitFor('the retry from the dispatcher loop', () => rx.hits.length >= 2, 30_000);
    expect(rx.hits[1]!.headers['x-beacon-delivery']).to.equal(rx.hits[0]!.headers['x-beacon-delivery']);
  });

  it('SIGTERM stops it cleanly with Redis still away (exit 0, lock removed)', async () => {
    child.proc.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit, child.out).to.deep.equal({ code: 0, signal: null });
    expect(fs.existsSync(path.join(dir, 'beacon.lock'))).to.equal(false);
    expect(child.stderr).to.equal('');
  });
});

import { expect } from 'chai';
import crypto from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { freePort, startBeacon, startRedis, waitFor, type Child } from '../support/beaconProcess.js';
import { Client } from '../support/client.js';

/**
 * One Beacon (a real child process) on PostgreSQL and a private redis-server, while the services
 * go away for real: Redis stopped and restarted, the database frozen behind a TCP proxy.
 */
const ADMIN_URL = process.env.MULTI_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** A TCP proxy to PostgreSQL that can stop passing bytes (a server that stays connected but silent). */
class FreezableProxy {
  frozen = false;
  private held: Array<() => void> = [];
  private sockets = new Set<net.Socket>();
  private server = net.createServer((client) => {
    const upstream = net.connect(Number(this.target.port || 5432), this.target.hostname);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      this.sockets.add(from);
      from.on('data', (chunk) => (this.frozen ? this.held.push(() => to.write(chunk)) : to.write(chunk)));
      from.on('error', () => to.destroy());
      from.on('close', () => to.destroy());
    }
  });
  port = 0;
  constructor(private readonly target: URL) {}
  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  thaw() {
    this.frozen = false;
    for (const send of this.held.splice(0)) send();
  }
  close() {
    for (const s of this.sockets) s.destroy();
    this.server.close();
  }
}

describe('one Beacon while PostgreSQL and Redis fail for real', function () {
  this.timeout(180_000);
  const dbName = `beacon_deps_${crypto.randomBytes(4).toString('hex')}`;
  let redisPort = 0;
  let redis: Child | null = null;
  let beacon: Child;
  let proxy: FreezableProxy;
  let base = '';
  const get = (p: string) => new Client(base).get(p);

  before(async () => {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const target = new URL(ADMIN_URL);
    proxy = new FreezableProxy(target);
    await proxy.start();
    const dbUrl = new URL(ADMIN_URL);
    dbUrl.host = `127.0.0.1:${proxy.port}`;
    dbUrl.pathname = `/${dbName}`;
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    beacon = startBeacon({ DATABASE_URL: dbUrl.toString(), REDIS_URL: `redis://127.0.0.1:${redisPort}` });
    await beacon.waitForOutput('Beacon listening');
    base = `http://127.0.0.1:${beacon.port}`;
  });

  after(async () => {
    await beacon?.kill();
    await redis?.kill();
    proxy?.close();
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  it('reports Redis ready, then reconnecting while redis-server is stopped, then ready again', async () => {
    await waitFor('redis ready in /readyz', async () => (await get('/readyz')).body?.redis?.state === 'ready', 20_000);
    expect((await get('/metrics')).text).to.match(/^beacon_redis_up 1$/m);

    await redis!.kill(); // SIGKILL: Redis gone at once
    await waitFor('redis reconnecting in /readyz', async () => (await get('/readyz')).body?.redis?.state === 'reconnecting', 20_000);
    const down = await get('/readyz');
    expect(down.status, 'Redis does not make Beacon unready').to.equal(200);
    expect((await get('/metrics')).text).to.match(/^beacon_redis_up 0$/m);
    expect(beacon.stdout).to.match(/Redis unavailable; live updates stay on this instance; reconnecting with backoff/);

    redis = await startRedis(redisPort);
    await waitFor('redis ready again', async () => (await get('/readyz')).body?.redis?.state === 'ready', 20_000);
    expect((await get('/metrics')).text).to.match(/^beacon_redis_up 1$/m);
    expect(beacon.stdout).to.include('Redis is back');
  });

  it('answers /readyz 503 within seconds while the database is silent, 200 once it answers again', async () => {
    expect((await get('/readyz')).status).to.equal(200);
    proxy.frozen = true;
    const started = Date.now();
    const frozen = await get('/readyz');
    expect(frozen.status).to.equal(503);
    expect(frozen.body.error.code).to.equal('database_unavailable');
    expect(Date.now() - started).to.be.below(5_000);
    expect((await get('/healthz')).status, 'liveness does not depend on the database').to.equal(200);
    proxy.thaw();
    await waitFor('ready again', async () => (await get('/readyz')).status === 200, 20_000);
  });

  it('SIGTERM: exit 0', async () => {
    beacon.proc.kill('SIGTERM');
    const exit = await beacon.exited;
    expect(exit, beacon.out).to.deep.equal({ code: 0, signal: null });
  });
});

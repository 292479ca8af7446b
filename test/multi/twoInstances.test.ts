import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { Client } from '../support/client.js';
import { Receiver } from '../support/webhookReceiver.js';

/**
 * Two real Beacon processes (A and B) on one PostgreSQL database and one Redis, the way the README's
 * "Running several instances" deploys them. The suite owns its database (beacon_multi_<random>) and
 * its redis-server (a child on a free port) so it can stop and restart Redis.
 *
 *   MULTI_DATABASE_URL (or TEST_DATABASE_URL) points at the server's maintenance database;
 *   default postgres://postgres@127.0.0.1:5432/postgres.
 */
const ADMIN_URL = process.env.MULTI_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const EMAIL = 'multi-admin@example.com';
const PASSWORD = 'multi-instance-password';

// ---- small helpers ---------------------------------------------------------------------------

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a truthy value; fails with `what` (and the last error) at the deadline. */
async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000, everyMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await delay(everyMs);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A child process with its output kept (the tail) for failure messages. */
class Child {
  out = '';
  exited: Promise<number | null>;
  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    const keep = (d: Buffer) => {
      this.out = (this.out + d.toString()).slice(-20_000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    this.exited = new Promise((r) => proc.once('exit', (code) => r(code)));
  }
  get alive() {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }
  /** SIGTERM, then SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    this.proc.kill('SIGTERM');
    const killer = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(killer);
  }
}

/** One RESP PING over a fresh connection: true when this Redis answers PONG. */
function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1_000, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

async function startRedis(port: number): Promise<Child> {
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const child = new Child('redis', proc);
  await waitFor(`redis-server on port ${port} (${child.out})`, async () => {
    if (!child.alive) throw new Error(`redis-server exited: ${child.out}`);
    return redisPing(port);
  });
  return child;
}

function startBeacon(name: string, env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    // WEBHOOK_ALLOW_PRIVATE: the suite's webhook receiver listens on loopback.
    env: { ...process.env, DATA_DIR: '', SMTP_URL: '', PUBLIC_URL: '', METRICS_TOKEN: '', NODE_ENV: 'production', WEBHOOK_ALLOW_PRIVATE: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Child(name, proc);
}

interface StatusPush {
  seq: number;
  html: string;
  indicator: string;
}

/** A socket.io client that remembers everything it was sent. */
function socketTo(url: string, auth?: Record<string, string>) {
  const sock: Socket = connect(url, { transports: ['websocket'], forceNew: true, reconnectionDelay: 200, reconnectionDelayMax: 1_000, ...(auth ? { auth } : {}) });
  const events: Array<{ event: string; payload: any }> = [];
  let connects = 0;
  sock.on('connect', () => (connects += 1));
  sock.onAny((event: string, payload: unknown) => events.push({ event, payload }));
  return {
    sock,
    events,
    connects: () => connects,
    statuses: () => events.filter((e) => e.event === 'status').map((e) => e.payload as StatusPush),
    last: () => events.filter((e) => e.event === 'status').at(-1)?.payload as StatusPush | undefined,
    named: (event: string) => events.filter((e) => e.event === event).map((e) => e.payload),
  };
}
type Sock = ReturnType<typeof socketTo>;

// ---- the suite -------------------------------------------------------------------------------

describe('two Beacon instances on PostgreSQL + Redis', function () {
  this.timeout(120_000);

  const dbName = `beacon_multi_${crypto.randomBytes(4).toString('hex')}`;
  let dbUrl = '';
  let pool: pg.Pool | null = null;
  let redisPort = 0;
  let redis: Child | null = null;
  const beacons: Child[] = [];
  const sockets: Sock[] = [];
  let A: { base: string; api: Client; proc: Child };
  let B: { base: string; api: Client; proc: Child };
  let rx: Receiver;
  let publicB: Sock;
  let staffB: Sock;
  let staffA: Sock;

  const q = async <T = any>(text: string, values: unknown[] = []): Promise<T[]> => (await pool!.query(text, values)).rows as T[];
  const uniq = (label: string) => `${label} ${crypto.randomBytes(3).toString('hex')}`;
  const diag = () => beacons.map((b) => `--- ${b.name} (alive=${b.alive})\n${b.out.slice(-3_000)}`).join('\n') + `\n--- redis\n${redis?.out.slice(-1_000) ?? ''}`;

  async function fileIncident(via: Client, title: string): Promise<{ id: string; name: string }> {
    const res = await via.post('/api/v1/incidents', { title, severity: 2, message: `${title}: investigating.` });
    expect(res.status, res.text).to.equal(201);
    return res.body;
  }
  async function summaryNames(base: string): Promise<string[]> {
    const res = await fetch(`${base}/api/v2/summary.json`);
    if (res.status !== 200) return [];
    const body = (await res.json()) as { incidents: Array<{ name: string }> };
    return body.incidents.map((i) => i.name);
  }
  const hitsFor = (incidentId: string, type?: string) => rx.hits.filter((h) => h.body.data?.incident?.id === incidentId && (!type || h.body.type === type));
  const staffGot = (s: Sock, type: string, incidentId: string) => s.named(type).filter((p) => p.incident_id === incidentId);
  function track(s: Sock): Sock {
    sockets.push(s);
    return s;
  }
  async function connected(s: Sock, what: string) {
    await waitFor(`${what} to connect`, () => s.sock.connected, 15_000);
  }

  before(async function () {
    this.timeout(150_000);
    // Fresh database (dropped with force in `after`).
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const u = new URL(ADMIN_URL);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
    pool = new pg.Pool({ connectionString: dbUrl, max: 3 });

    redisPort = await freePort();
    redis = await startRedis(redisPort);

    rx = new Receiver();
    await rx.start();

    const [portA, portB] = [await freePort(), await freePort()];
    const common = {
      DATABASE_URL: dbUrl,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      BOOTSTRAP_ADMIN_EMAIL: EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
      DEMO_DATA: 'true',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
    };
    // Both start at once on the empty database: migrations, the first admin and the demo seed race.
    const procA = startBeacon('A', { ...common, PORT: String(portA) });
    const procB = startBeacon('B', { ...common, PORT: String(portB) });
    beacons.push(procA, procB);
    const baseA = `http://127.0.0.1:${portA}`;
    const baseB = `http://127.0.0.1:${portB}`;
    for (const [proc, base] of [[procA, baseA], [procB, baseB]] as const) {
      await waitFor(
        `${proc.name} to be ready`,
        async () => {
          if (!proc.alive) throw new Error(`${proc.name} exited:\n${proc.out}`);
          return (await fetch(`${base}/readyz`)).status === 200;
        },
        90_000,
        200,
      );
    }
    // A token issued by A; B accepts it too (one database).
    const tok = await new Client(baseA).post('/api/v1/tokens', { email: EMAIL, password: PASSWORD, name: 'multi-instance test' });
    expect(tok.status, tok.text).to.equal(201);
    A = { base: baseA, api: new Client(baseA, tok.body.token), proc: procA };
    B = { base: baseB, api: new Client(baseB, tok.body.token), proc: procB };
    expect((await q(`select count(*)::int as n from users`))[0].n, 'exactly one bootstrap admin').to.equal(1);

    // One webhook endpoint (the only configured delivery channel: no SMTP, no Twitter).
    const hook = await A.api.post('/api/v1/webhooks', { url: rx.url, description: 'multi-instance receiver' });
    expect(hook.status, hook.text).to.equal(201);
    rx.secret = hook.body.secret;

    publicB = track(socketTo(`${B.base}/public`));
    staffB = track(socketTo(`${B.base}/staff`, { token: tok.body.token }));
    staffA = track(socketTo(`${A.base}/staff`, { token: tok.body.token }));
    await connected(publicB, 'the public client on B');
    await connected(staffB, 'the staff client on B');
    await connected(staffA, 'the staff client on A');
    await waitFor('the initial status on B', () => publicB.last());
  });

  after(async function () {
    this.timeout(60_000);
    for (const s of sockets) s.sock.disconnect();
    await Promise.allSettled(beacons.map((b) => b.stop()));
    await redis?.stop();
    await rx?.close().catch(() => {});
    await pool?.end().catch(() => {});
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(diag());
  });

  it('an incident filed through A reaches the public client on B and B’s summary.json', async () => {
    const seqBefore = publicB.last()!.seq;
    const name = uniq('Checkout failing via A');
    const inc = await fileIncident(A.api, name);
    const push = await waitFor('a status push on B naming the incident', () => publicB.statuses().find((s) => s.seq > seqBefore && s.html.includes(name)), 5_000);
    expect(push.indicator).to.not.equal('none');
    await waitFor('B’s summary.json to list the incident', async () => (await summaryNames(B.base)).includes(name), 5_000);
    await waitFor('A’s summary.json to list the incident', async () => (await summaryNames(A.base)).includes(name), 5_000);
    // Unresolved incidents on B come from B's own rebuilt snapshot.
    const unresolved = (await (await fetch(`${B.base}/api/v2/incidents/unresolved.json`)).json()) as { incidents: Array<{ id: string }> };
    expect(unresolved.incidents.map((i) => i.id)).to.include(inc.id);
  });

  it('a staff socket on B receives a staff event caused on A (through the Redis adapter), once', async () => {
    const inc = await fileIncident(A.api, uniq('Staff event from A'));
    await waitFor('incident.created on B’s staff socket', () => staffGot(staffB, 'incident.created', inc.id).length > 0, 5_000);
    await waitFor('incident.created on A’s staff socket', () => staffGot(staffA, 'incident.created', inc.id).length > 0, 5_000);
    // And the other way round: caused on B, seen on A.
    const fromB = await fileIncident(B.api, uniq('Staff event from B'));
    await waitFor('incident.created (from B) on A’s staff socket', () => staffGot(staffA, 'incident.created', fromB.id).length > 0, 5_000);
    await waitFor('incident.created (from B) on B’s staff socket', () => staffGot(staffB, 'incident.created', fromB.id).length > 0, 5_000);
    await delay(300); // a duplicate would arrive right behind the first
    for (const s of [staffA, staffB]) for (const id of [inc.id, fromB.id]) expect(staffGot(s, 'incident.created', id)).to.have.length(1);
  });

  it('outbox events are dispatched once across instances; one webhook delivery per (event, endpoint), received once', async () => {
    const titles = Array.from({ length: 20 }, (_, i) => uniq(`Burst ${i + 1}`));
    const created = await Promise.all(titles.map((t, i) => fileIncident(i % 2 === 0 ? A.api : B.api, t)));
    const ids = created.map((c) => c.id);

    const events = await waitFor(
      'all 20 incident.created events to be dispatched',
      async () => {
        const rows = await q<{ id: number; dispatched_at: Date | null; incident_id: string }>(
          `select id, dispatched_at, payload->>'incident_id' as incident_id from outbox_events where type = 'incident.created' and payload->>'incident_id' = any($1::text[])`,
          [ids],
        );
        return rows.length === 20 && rows.every((r) => r.dispatched_at) ? rows : null;
      },
      15_000,
    );
    // One outbox event per incident (nothing was recorded twice).
    expect(new Set(events.map((e) => e.incident_id)).size).to.equal(20);

    const rows = await waitFor(
      'the 20 webhook deliveries to be delivered',
      async () => {
        const r = await q<{ event_id: number; target: string; status: string; attempts: number; idempotency_key: string }>(
          `select event_id, target, status, attempts, idempotency_key from deliveries where channel = 'webhook' and event_id = any($1::bigint[])`,
          [events.map((e) => e.id)],
        );
        return r.length === 20 && r.every((d) => d.status === 'delivered') ? r : null;
      },
      15_000,
    );
    // Exactly one delivery row per (event, endpoint), each sent on its first attempt.
    expect(new Set(rows.map((d) => `${d.event_id}/${d.target}`)).size).to.equal(20);
    expect(rows.every((d) => d.attempts === 1), JSON.stringify(rows)).to.equal(true);
    // The receiver got each delivery id exactly once, each signed.
    await waitFor('the receiver to see all 20', () => ids.every((id) => hitsFor(id, 'incident.created').length >= 1), 10_000);
    await delay(300);
    for (const id of ids) expect(hitsFor(id, 'incident.created'), `hits for ${id}`).to.have.length(1);
    const keys = rows.map((d) => d.idempotency_key).sort();
    const received = rx.hits.map((h) => String(h.headers['x-beacon-delivery'])).filter((k) => keys.includes(k)).sort();
    expect(received).to.deep.equal(keys);
    expect(rx.hits.every((h) => h.valid)).to.equal(true);
    const allIds = rx.hits.map((h) => String(h.headers['x-beacon-delivery']));
    expect(new Set(allIds).size, 'no delivery id received twice').to.equal(allIds.length);
    // Staff sockets on both instances saw each one once.
    for (const s of [staffA, staffB]) for (const id of ids) expect(staffGot(s, 'incident.created', id), `staff push for ${id}`).to.have.length(1);
  });

  it('a maintenance start notice fires exactly once although both instances watch the clock', async () => {
    const start = new Date(Date.now() + 3_000);
    const res = await A.api.post('/api/v1/maintenances', {
      title: uniq('Database patch'),
      body: 'Emergency database upgrade.',
      kind: 'unplanned', // may start outside the maintenance windows
      reason: 'security patch',
      scheduled_for: start.toISOString(),
      scheduled_until: new Date(start.getTime() + 3_600_000).toISOString(),
      notify: true,
    });
    expect(res.status, res.text).to.equal(201);
    const id: string = res.body.id;
    await waitFor(
      'the started notice to be dispatched',
      async () => (await q(`select 1 from outbox_events where type = 'maintenance.started' and payload->>'maintenance_id' = $1 and dispatched_at is not null`, [id])).length > 0,
      20_000,
    );
    await waitFor('the receiver to get maintenance.started', () => rx.hits.some((h) => h.body.type === 'maintenance.started' && h.body.data?.maintenance?.id === id), 10_000);
    await delay(1_500); // the other instance's timer fires at the same instant; give it time to (not) double up
    const notices = await q(`select kind from maintenance_notices where maintenance_id = $1 and kind = 'started'`, [id]);
    expect(notices).to.have.length(1);
    const started = await q(`select id from outbox_events where type = 'maintenance.started' and payload->>'maintenance_id' = $1`, [id]);
    expect(started).to.have.length(1);
    expect(rx.hits.filter((h) => h.body.type === 'maintenance.started' && h.body.data?.maintenance?.id === id)).to.have.length(1);
    // Every maintenance event of it was recorded and received once.
    const all = await q<{ type: string; n: number }>(`select type, count(*)::int as n from outbox_events where payload->>'maintenance_id' = $1 group by type`, [id]);
    for (const r of all) expect(r.n, r.type).to.equal(1);
  });

  it('survives Redis going away and coming back: no update is lost, clients catch up', async () => {
    const seqBefore = publicB.last()!.seq;
    // Redis dies.
    redis!.proc.kill('SIGKILL');
    await redis!.exited;
    expect(await redisPing(redisPort)).to.equal(false);

    // An update through A while Redis is down: the database and the change feed carry it.
    const outageName = uniq('Filed during the Redis outage');
    const during = await fileIncident(A.api, outageName);
    await waitFor('B’s summary.json to list the outage incident', async () => (await summaryNames(B.base)).includes(outageName), 10_000);
    expect(await summaryNames(A.base)).to.include(outageName);
    // Public pushes are local to each instance, so B's public client sees it without Redis.
    await waitFor('a status push on B during the outage', () => publicB.statuses().find((s) => s.seq > seqBefore && s.html.includes(outageName)), 10_000);
    // Webhooks do not depend on Redis either.
    await waitFor('the webhook for the outage incident', () => hitsFor(during.id, 'incident.created').length === 1, 10_000);
    expect(A.proc.alive && B.proc.alive, 'both instances survive losing Redis').to.equal(true);

    // Redis comes back on the same port (empty: no persistence).
    redis = await startRedis(redisPort);

    // A second update right after Redis returns (the clients may still be reconnecting).
    const afterName = uniq('Filed after Redis returned');
    const after1 = await fileIncident(B.api, afterName);

    // Both status pages are correct.
    for (const base of [A.base, B.base]) {
      await waitFor(
        `${base} summary.json to list both incidents`,
        async () => {
          const names = await summaryNames(base);
          return names.includes(outageName) && names.includes(afterName);
        },
        15_000,
      );
    }
    // The long-lived public client on B shows the latest state (a push, or the state sent on reconnect).
    await waitFor('B’s public client to show the latest state', () => {
      const last = publicB.last();
      return last && last.html.includes(outageName) && last.html.includes(afterName);
    }, 15_000);
    // A new public client on B gets the current state on connect.
    const fresh = track(socketTo(`${B.base}/public`));
    await waitFor('a new public client on B to get the current state', () => {
      const last = fresh.last();
      return last && last.html.includes(outageName) && last.html.includes(afterName);
    }, 10_000);

    // Staff sockets are (re)connected and the adapter carries events across instances again:
    // Redis clients reconnect with backoff (up to 5 s), so file until one A-caused event reaches B.
    await connected(staffB, 'the staff client on B');
    await connected(staffA, 'the staff client on A');
    await waitFor(
      'a staff event from A to reach B after Redis returned',
      async () => {
        const probe = await fileIncident(A.api, uniq('Adapter probe'));
        return waitFor('probe', () => staffGot(staffB, 'incident.created', probe.id).length === 1, 2_000).then(
          () => true,
          () => false,
        );
      },
      40_000,
      0,
    );
    // …and from B to A.
    const back = await fileIncident(B.api, uniq('Adapter probe from B'));
    await waitFor('a staff event from B to reach A', () => staffGot(staffA, 'incident.created', back.id).length === 1, 5_000);

    // Every delivery made during and after the outage arrived, once.
    await waitFor('the webhook for the incident filed after Redis returned', () => hitsFor(after1.id, 'incident.created').length === 1, 10_000);
    expect(hitsFor(during.id, 'incident.created')).to.have.length(1);
    let pending: unknown[] = [];
    await waitFor(
      'every delivery to be delivered',
      async () => (pending = await q(`select id, event_id, status, attempts, last_error from deliveries where status <> 'delivered'`)).length === 0,
      10_000,
    ).catch((err) => {
      throw new Error(`${(err as Error).message}: ${JSON.stringify(pending)}`);
    });
    const [{ n: deliveredCount }] = await q(`select count(*)::int as n from deliveries where channel = 'webhook'`);
    await waitFor('the receiver to have every delivery', () => rx.hits.length >= deliveredCount, 5_000);
    const allIds = rx.hits.map((h) => String(h.headers['x-beacon-delivery']));
    expect(new Set(allIds).size, 'no delivery id received twice').to.equal(allIds.length);
    expect(A.proc.alive && B.proc.alive).to.equal(true);
  });
});

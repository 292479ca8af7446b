import crypto from 'node:crypto';
import http from 'node:http';
import { eq, inArray, sql } from 'drizzle-orm';
import { deliveries, loginAttempts, outboxEvents, rateWindows, settings, subscribers, webhookEndpoints } from '../../server/db/schema.js';
import { SSO_ENFORCED_KEY } from '../../server/domain/sso/passwordSignInPolicy.js';
import { POLICY_KEY } from '../../server/domain/twoFactor/factorState.js';
import { signSubscriber } from '../../server/domain/subscribers/links.js';
import { Client, signInAs } from '../support/client.js';
import type { TestServer } from '../support/server.js';
import { Ref, type Body, type FuzzRequest } from './requests.js';

/** What one case sent and got, for the summary and for reporting a violation. */
export interface Outcome {
  status: number;
  violation?: string;
}

type Role = 'admin' | 'regular' | 'observer';
const ROLES: Role[] = ['admin', 'regular', 'observer'];
/** One signed-in staff member: console session cookie, its CSRF token, and an API token. */
interface Creds {
  cookie: string;
  csrf: string;
  token: string;
}

// Failed sign-ins are recorded on purpose (the lock-out counts them), so those tables may change on a 401/429.
// rate_windows: per-address sign-in and confirmation-mail counters count refused attempts on purpose.
// saml_message_ids: a refused SAML response still uses up the request it answered.
// webauthn_challenges: a passkey challenge is spent by any answer to it, a refused one included.
const REFUSAL_AUDITS = ['session.login_failed', 'session.locked', 'two_factor.failed', 'passkey.failed', 'user.password_reset_requested', 'session.password_refused', 'sso.refused'];
const MAY_CHANGE_ON_REFUSAL = /attempt|throttle|rate_windows|saml_message_ids|webauthn_challenges/;

/**
 * The system under fuzz: a running test server seeded with a few rows of every kind, staff
 * credentials (re-issued when a case signs them out or demotes them), and a digest of every table
 * to prove a refused request wrote nothing.
 */
export class FuzzWorld {
  private creds = {} as Record<Role, Creds>;
  private tables: string[] = [];
  constructor(readonly s: TestServer) {}

  private get db() {
    return this.s.deps.database.db;
  }

  async seed(): Promise<void> {
    await this.issueCreds();
    const api = new Client(this.s.baseUrl, this.creds.admin.token);
    const must = async (p: Promise<{ status: number; text: string; body: any }>) => {
      const res = await p;
      if (res.status >= 300) throw new Error(`seeding failed: ${res.status} ${res.text}`);
      return res.body;
    };
    const group = await must(api.post('/api/v1/components', { name: 'Platform', group: true }));
    const web = await must(api.post('/api/v1/components', { name: 'Web', group_id: group.id }));
    const apiC = await must(api.post('/api/v1/components', { name: 'API' }));
    for (const sev of [1, 3]) await must(api.post('/api/v1/incidents', { title: `Seed ${sev}`, severity: sev, message: 'Looking.', components: [{ id: web.id, status: 'major_outage' }] }));
    // A resolved incident with a postmortem draft, so the postmortem routes get past "resolve it first".
    const done = await must(api.post('/api/v1/incidents', { title: 'Seed resolved', severity: 2, message: 'Looking.' }));
    await must(api.post(`/api/v1/incidents/${done.id}/updates`, { status: 'resolved', message: 'Fixed.' }));
    await must(api.put(`/api/v1/incidents/${done.id}/postmortem`, { body: '# Cause\n\nDisk full.' }));
    await must(api.post('/api/v1/maintenances', { title: 'Planned', body: 'Upgrade.', scheduled_for: '2026-12-06T03:00:00Z', scheduled_until: '2026-12-06T05:00:00Z', components: [apiC.id] }));
    await must(api.post('/api/v1/maintenances', { title: 'Now', body: 'Urgent.', kind: 'unplanned', reason: 'Disk', scheduled_until: '2026-11-29T14:00:00Z' }));
    await must(api.post('/api/v1/notices', { title: 'Notice', body: 'Hello.', level: 'info' }));
    await must(api.post('/api/v1/incident-templates', { name: 'Outage', title: '{{components}} down', message: 'Since {{time}}.', severity: 2, status: 'identified', components: [{ id: apiC.id, status: 'partial_outage' }] }));
    const now = this.s.clock.now();
    // Inserted directly: address rules for webhooks are not what the fuzz is about.
    await this.db.insert(webhookEndpoints).values({ url: 'http://127.0.0.1:1/hook', secret: 'x'.repeat(32), createdAt: now, updatedAt: now });
    const [event] = await this.db.insert(outboxEvents).values({ type: 'incident.created', payload: {}, createdAt: now, dispatchedAt: now }).returning();
    await this.db.insert(deliveries).values({ eventId: event!.id, channel: 'webhook', target: 'x', idempotencyKey: 'seed-dead', status: 'dead', attempts: 8, nextAttemptAt: now, lastError: 'seed', createdAt: now });
    await this.db.insert(subscribers).values([
      { email: 'pending@example.com', createdAt: now, updatedAt: now },
      { email: 'confirmed@example.com', confirmedAt: now, createdAt: now, updatedAt: now },
    ]);
    const res = await this.db.execute(sql`select tablename from pg_tables where schemaname = 'public' order by tablename`);
    this.tables = (res as unknown as { rows: { tablename: string }[] }).rows.map((r) => r.tablename).filter((t) => !MAY_CHANGE_ON_REFUSAL.test(t));
  }

  private async issueCreds() {
    // A case may have switched on "two-factor required" (every session parked on the Security page,
    // no tokens by password) or "SSO enforced" (no password sign-in at all; the fuzz server has SAML
    // configured): the fuzz's own staff start from the defaults again.
    await this.db.delete(settings).where(inArray(settings.key, [POLICY_KEY, SSO_ENFORCED_KEY]));
    // The clock is fixed, so sign-in limits would never reset: the fuzz's own sign-ins start afresh.
    await this.db.delete(rateWindows);
    await this.db.delete(loginAttempts);
    for (const role of ROLES) {
      const who = await signInAs(this.s.baseUrl, role);
      const page = await who.c.get('/console/tokens', { accept: 'text/html' });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
      if (!csrf) throw new Error('no CSRF token on the console page');
      this.creds[role] = { cookie: who.c.cookieHeader(), csrf, token: who.who.token };
      // A token's first use stamps last_used_at (with the fixed clock, only the first); do it now, not inside a case.
      await who.api.get('/api/v1/me');
    }
  }

  /** After a write went through: re-issue credentials if it signed someone out, revoked a token or changed a role. */
  async keepCreds(): Promise<void> {
    const ok = await Promise.all(
      ROLES.map(async (role) => {
        const me = await fetch(`${this.s.baseUrl}/api/v1/me`, { headers: { accept: 'application/json', authorization: `Bearer ${this.creds[role].token}` } });
        const page = await fetch(`${this.s.baseUrl}/console/tokens`, { headers: { cookie: this.creds[role].cookie }, redirect: 'manual' });
        await page.text();
        return me.status === 200 && (await me.json()).user.role === role && page.status === 200;
      }),
    );
    if (ok.some((x) => !x)) await this.issueCreds();
  }

  /** Row count and a hash of every row of every table (order-independent). */
  async digest(): Promise<string> {
    // Refused sign-ins are audited on purpose (issue: every identity event is in the audit log).
    const where = (t: string) => (t === 'audit_log' ? ` where x.action not in (${REFUSAL_AUDITS.map((a) => `'${a}'`).join(', ')})` : '');
    const parts = this.tables.map((t) => `select '${t}' as t, count(*)::text as n, coalesce(sum(hashtextextended(x::text, 0)), 0)::text as h from "${t}" x${where(t)}`);
    const res = await this.db.execute(sql.raw(parts.join(' union all ')));
    return (res as unknown as { rows: { t: string; n: string; h: string }[] }).rows.map((r) => `${r.t}:${r.n}:${r.h}`).join(' ');
  }

  private async resolveRef(r: Ref, cache: Map<string, string[]>): Promise<string> {
    const source = r.table === 'subscriber_sigs' ? 'subscribers' : r.table === 'user_emails' ? 'users' : r.table;
    let ids = cache.get(source);
    if (!ids) {
      const col = r.table === 'user_emails' ? 'email' : 'id';
      const res = await this.db.execute(sql.raw(`select ${col}::text as v from "${source}" order by 1`));
      ids = (res as unknown as { rows: { v: string }[] }).rows.map((x) => x.v);
      cache.set(source, ids);
    }
    if (!ids.length) return r.table === 'deliveries' ? String(r.index + 1) : crypto.randomUUID();
    const v = ids[r.index % ids.length]!;
    return r.table === 'subscriber_sigs' ? signSubscriber(this.s.deps.sessionSecret, v) : v;
  }

  private async resolve(v: unknown, cache: Map<string, string[]>): Promise<unknown> {
    if (v instanceof Ref) return this.resolveRef(v, cache);
    if (Array.isArray(v)) return Promise.all(v.map((x) => this.resolve(x, cache)));
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: await this.resolve(x, cache), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return v;
  }

  /** Sends one request; returns its status and, if it broke a promise, what broke. */
  async run(req: FuzzRequest): Promise<Outcome> {
    const cache = new Map<string, string[]>();
    let path = req.path;
    for (const [name, v] of Object.entries(req.params)) {
      const value = v && typeof v === 'object' && 'raw' in v ? String((v as { raw: string }).raw) : encodeURIComponent(String(await this.resolve(v, cache)));
      path = path.replace(`:${name}`, value);
    }
    const query = (await this.resolve(req.query, cache)) as Record<string, unknown>;
    const qs = Object.entries(query).map(([k, v]) => `${pct(k)}=${pct(String(v))}`).join('&');
    const consoleRoute = req.path.startsWith('/console/');
    const headers: Record<string, string> = { ...req.headers };
    if (req.accept) headers.accept = req.accept;
    if (req.as === 'bad_token') headers.authorization = 'Bearer bcn_not_a_token';
    const who = req.as === 'anonymous' || req.as === 'bad_token' ? undefined : this.creds[req.as];
    if (who && !consoleRoute) headers.authorization = `Bearer ${who.token}`;
    if (who && consoleRoute) headers.cookie = who.cookie;
    const own = who?.csrf ?? this.creds.admin.csrf;
    const csrf = req.csrf === 'valid' ? own : req.csrf === 'wrong' ? own.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) : undefined;
    const { body, contentType, encoding } = await this.encode(req.body, cache, consoleRoute ? csrf : undefined);
    if (contentType) headers['content-type'] = contentType;
    if (encoding) headers['content-encoding'] = encoding;
    if (consoleRoute && csrf && req.body.kind !== 'form') headers['x-csrf-token'] = csrf;

    const before = await this.digest();
    const logged = this.s.logs.lines.length;
    let res: Answer;
    try {
      res = await send(this.s.baseUrl, req.method, `${path}${qs ? `?${qs}` : ''}`, headers, req.method === 'GET' ? undefined : body);
    } catch (err) {
      return { status: 0, violation: `no answer: ${(err as Error).message}` };
    }
    const { status, text } = res;
    if (status >= 500) {
      const cause = this.s.logs.lines.slice(logged).map(parseLine).find((l) => l?.err)?.err;
      return { status, violation: `${status}: ${cause ? `${cause.type}: ${cause.message}` : text.slice(0, 200)}` };
    }
    // Node's HTTP parser answers an oversized URL or header block itself (431, no body), before any app code runs.
    if (status === 431 && !res.contentType) return { status };
    if (status >= 400) {
      const json = res.contentType.includes('application/json');
      if (req.path.startsWith('/api/') && !json) return { status, violation: `API error is not JSON: ${res.contentType}` };
      if (json) {
        const problem = contractProblem(text);
        if (problem) return { status, violation: problem };
      }
      const after = await this.digest();
      if (after !== before) return { status, violation: `a ${status} changed the database: ${changedTables(before, after)}` };
    } else if (status === 303 && res.location.startsWith('/console/login?next=')) {
      // The console's refusal for anonymous visitors is a redirect to the sign-in page: also nothing written.
      if ((await this.digest()) !== before) return { status, violation: 'a redirect to sign-in changed the database' };
    } else if (req.method !== 'GET') await this.keepCreds();
    return { status };
  }

  private async encode(b: Body, cache: Map<string, string[]>, csrf: string | undefined): Promise<{ body?: Buffer | string; contentType?: string; encoding?: string }> {
    switch (b.kind) {
      case 'empty':
        return {};
      case 'json-value':
        return { body: safeJson(await this.resolve(b.value, cache)), contentType: 'application/json' };
      case 'json': {
        const parts: string[] = [];
        for (const [k, v] of b.entries) parts.push(`${safeJson(k)}:${safeJson(await this.resolve(v, cache))}`);
        return { body: `{${parts.join(',')}}`, contentType: 'application/json' };
      }
      case 'form': {
        const parts = csrf ? [`_csrf=${pct(csrf)}`] : [];
        for (const [k, v] of b.entries) {
          const key = Array.isArray(k) ? (await Promise.all(k.map((p) => this.resolve(p, cache)))).join('') : k;
          const value = await this.resolve(v, cache);
          for (const one of Array.isArray(value) ? value : [value]) parts.push(`${pct(key)}=${pct(typeof one === 'string' ? one : JSON.stringify(one) ?? '')}`);
        }
        return { body: parts.join('&'), contentType: 'application/x-www-form-urlencoded' };
      }
      case 'raw': {
        const text = csrf && b.contentType?.startsWith('application/x-www-form-urlencoded') ? `_csrf=${pct(csrf)}&${b.text}` : b.text;
        return { body: b.bytes ? Buffer.from(text, 'latin1') : text, contentType: b.contentType, encoding: b.encoding };
      }
    }
  }
}

const changedTables = (a: string, b: string) => {
  const was = new Set(a.split(' '));
  return b.split(' ').filter((x) => !was.has(x)).map((x) => x.split(':')[0]).join(', ');
};

const parseLine = (l: string): { err?: { type: string; message: string } } | null => {
  try {
    return JSON.parse(l);
  } catch {
    return null;
  }
};

interface Answer {
  status: number;
  contentType: string;
  location: string;
  text: string;
}

/**
 * One HTTP request from a random loopback address (127.x.y.z): per-address rate limits then treat
 * each case as its own client, as they would a crowd, without trusting forwarded headers.
 */
function send(baseUrl: string, method: string, path: string, headers: Record<string, string>, body: Buffer | string | undefined): Promise<Answer> {
  const url = new URL(baseUrl);
  if (body !== undefined) headers = { ...headers, 'content-length': String(Buffer.byteLength(body)) };
  const localAddress = `127.${1 + rnd(254)}.${rnd(256)}.${1 + rnd(254)}`;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers, localAddress, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), location: String(res.headers.location ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

const rnd = (n: number) => Math.floor(Math.random() * n);

/** Percent-encodes any string, lone surrogates included (encodeURIComponent throws on those). */
const pct = (s: string) => [...Buffer.from(s, 'utf8')].map((byte) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

const safeJson = (v: unknown) => JSON.stringify(v === undefined ? null : v);

/** `{error:{code,message,details?}}` with a snake_case code, or what is wrong with it. */
export function contractProblem(text: string): string | null {
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return `error body is not JSON: ${text.slice(0, 100)}`;
  }
  const e = body?.error;
  if (!e || typeof e !== 'object') return `no "error" object: ${text.slice(0, 200)}`;
  if (typeof e.code !== 'string' || !/^[a-z][a-z0-9_]*$/.test(e.code)) return `error.code is not snake_case: ${JSON.stringify(e.code)}`;
  if (typeof e.message !== 'string' || !e.message) return 'error.message is missing';
  const extra = Object.keys(e).filter((k) => !['code', 'message', 'details'].includes(k));
  if (extra.length) return `unexpected error keys: ${extra.join(', ')}`;
  return null;
}

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { openDatabase, runMigrations, type Db } from '../../server/db/client.js';
import { subscribers, users } from '../../server/db/schema.js';
import { ROOT } from '../../server/paths.js';
import { testDatabase, testDatabaseUrl } from '../support/db.js';
import { startSmtp, type FakeSmtp } from '../support/smtp.js';

// A real kill -9 in the middle of an e-mail fan-out, then a restart: every subscriber gets the mail
// (nothing lost) and at most the sends in flight at the kill arrive twice (≤ the send concurrency).
// Runs on PGlite (a file DATA_DIR shared by the processes) or on TEST_DATABASE_URL's PostgreSQL.

const SUBSCRIBERS = 300;
const KILL_AFTER = 100;
const SEND_CONCURRENCY = 5;
const WORKER = path.join(ROOT, 'test', 'support', 'deliveryWorker.ts');

interface Store {
  env: Record<string, string>;
  cleanup(): void;
}

/** The subscribers and an admin to file the news; the worker files it (WORKER_SEED) and sends it. */
async function seedAudience(db: Db) {
  const now = new Date();
  await db.insert(users).values({ email: 'crash-admin@example.com', name: 'Crash Tester', role: 'admin', createdAt: now, updatedAt: now });
  const rows = Array.from({ length: SUBSCRIBERS }, (_, i) => ({ email: `sub${i}@example.com`, confirmedAt: now, createdAt: now, updatedAt: now }));
  await db.insert(subscribers).values(rows);
}

/**
 * PostgreSQL: the test's own database (emptied by the root hook). PGlite: a copy of a seeded data
 * directory made once per file (an embedded database cannot be shared by two live processes, so the
 * seeding handle is closed before any worker starts).
 */
async function pgliteTemplate(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-crash-template-'));
  const database = await openDatabase({ dataDir: dir });
  try {
    await runMigrations(database);
    await seedAudience(database.db);
  } finally {
    await database.close();
  }
  return dir;
}

async function store(template: string | null): Promise<Store> {
  if (!template) {
    await seedAudience((await testDatabase()).db);
    return { env: { DATABASE_URL: testDatabaseUrl()! }, cleanup: () => {} };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-crash-'));
  fs.cpSync(template, dir, { recursive: true });
  return { env: { DATA_DIR: dir }, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const children = new Set<ChildProcess>();

function worker(env: Record<string, string>): { child: ChildProcess; output: Promise<string>; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    cwd: ROOT,
    env: { ...process.env, ...env, SMTP_POOL_SIZE: String(SEND_CONCURRENCY), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const output = new Promise<string>((resolve, reject) => {
    child.on('exit', (code, signal) => (code === 0 || signal === 'SIGKILL' ? resolve(out) : reject(new Error(`worker exited with ${code ?? signal}: ${err.slice(-2000)}`))));
  });
  return { child, output, stderr: () => err };
}

/** Runs the fan-out in a worker, SIGKILLs it after KILL_AFTER mails, restarts it; returns what arrived. */
async function crashAndRestart(smtp: FakeSmtp, s: Store, news: 'incident' | 'maintenance') {
  const env = { ...s.env, SMTP_URL: smtp.url };
  const first = worker({ ...env, WORKER_MODE: 'run', WORKER_SEED: news });
  let killedAt = -1;
  smtp.onAccepted = (n) => {
    if (n >= KILL_AFTER && killedAt < 0) {
      killedAt = n;
      first.child.kill('SIGKILL');
    }
  };
  await first.output;
  smtp.onAccepted = undefined;
  expect(killedAt, 'the worker was killed mid-batch').to.be.at.least(KILL_AFTER);
  const beforeRestart = smtp.recipients.length;
  expect(beforeRestart, 'killed before the fan-out finished').to.be.below(SUBSCRIBERS);
  // The restart comes "later" on its clock: any lease the dead process held has expired.
  const second = worker({ ...env, WORKER_MODE: 'drain', CLOCK_OFFSET_MS: String(15 * 60_000) });
  const counts = JSON.parse((await second.output).trim().split('\n').pop()!) as Record<string, number>;
  // Sends no longer share a transaction's connection (pg warned about overlapping queries on it).
  for (const w of [first, second]) expect(w.stderr()).to.not.match(/already executing a query/);
  const perRecipient = new Map<string, number>();
  for (const r of smtp.recipients) perRecipient.set(r, (perRecipient.get(r) ?? 0) + 1);
  const lost = Array.from({ length: SUBSCRIBERS }, (_, i) => `sub${i}@example.com`).filter((a) => !perRecipient.has(a));
  const duplicates = smtp.recipients.length - perRecipient.size;
  return { counts, lost, duplicates, beforeRestart };
}

describe('delivery survives kill -9 mid fan-out (real child processes, real SMTP)', function () {
  this.timeout(60_000);
  let template: string | null = null;
  let smtp: FakeSmtp;
  let s: Store;

  before(async () => {
    if (!process.env.TEST_DATABASE_URL) template = await pgliteTemplate();
  });
  after(() => template && fs.rmSync(template, { recursive: true, force: true }));
  beforeEach(async () => {
    smtp = await startSmtp({ parse: false });
    s = await store(template);
  });
  afterEach(async () => {
    for (const c of children) c.kill('SIGKILL'); // a failed test leaves no worker behind
    await smtp.close();
    s.cleanup();
  });

  for (const news of ['incident', 'maintenance'] as const) {
    it(`${news} mail to ${SUBSCRIBERS} subscribers: 0 lost, duplicates ≤ the send concurrency`, async () => {
      const r = await crashAndRestart(smtp, s, news);
      console.log(`      ${news}: killed after ${r.beforeRestart} mails; lost ${r.lost.length}, duplicates ${r.duplicates}`);
      expect(r.lost).to.deep.equal([]);
      expect(r.counts).to.deep.equal({ delivered: SUBSCRIBERS });
      expect(r.duplicates).to.be.at.most(SEND_CONCURRENCY);
    });
  }
});

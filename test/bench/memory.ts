// Idle memory and start-up time of the production process, as a new user runs it (never part of `npm test`).
//   node --import tsx test/bench/memory.ts            # embedded PGlite: fresh DATA_DIR, then a restart; then PostgreSQL
//   MEMORY_IDLE_MS=10000 MEMORY_PG_URL=postgres://postgres@127.0.0.1:5432/postgres node --import tsx test/bench/memory.ts
// Each run spawns what `npm start` runs (node flags and dist/app/main.js, built first if stale), times the
// first 200 from /healthz, waits for /readyz, lets it idle and reads VmRSS (and the peak, VmHWM)
// from /proc. With PostgreSQL it uses a fresh database, dropped afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ROOT, envInt, freePort, nowMs, productionArgs, request, sleep, track } from './lib.js';

const IDLE_MS = envInt('MEMORY_IDLE_MS', 10_000);
const PG_URL = process.env.MEMORY_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Sample {
  label: string;
  healthzMs: number;
  readyzMs: number;
  rssMiB: number;
  peakMiB: number;
}

function status(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${field} for pid ${pid}`);
  return Number(m[1]) / 1024;
}

async function waitFor(url: string, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Beacon exited during start-up with code ${child.exitCode}`);
    try {
      if ((await request(url)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await sleep(20);
  }
  throw new Error(`${url} did not answer 200 within 90 s`);
}

async function run(label: string, env: NodeJS.ProcessEnv): Promise<Sample> {
  const port = await freePort();
  const started = nowMs();
  const child = track(
    spawn(process.execPath, START_ARGS, {
      cwd: ROOT,
      env: { ...env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  await waitFor(`${url}/healthz`, child, deadline);
  const healthzMs = nowMs() - started;
  await waitFor(`${url}/readyz`, child, deadline);
  const readyzMs = nowMs() - started;
  await sleep(IDLE_MS);
  const sample = { label, healthzMs, readyzMs, rssMiB: status(child.pid!, 'VmRSS'), peakMiB: status(child.pid!, 'VmHWM') };
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return sample;
}

const START_ARGS = productionArgs();

const base: NodeJS.ProcessEnv = { ...process.env, DEMO_DATA: 'true' };
delete base.DATABASE_URL;
delete base.REDIS_URL;
delete base.SMTP_URL;

const samples: Sample[] = [];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-memory-'));
try {
  samples.push(await run('embedded, fresh DATA_DIR', { ...base, DATA_DIR: dataDir }));
  samples.push(await run('embedded, restart', { ...base, DATA_DIR: dataDir }));
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}

if (!process.argv.includes('--embedded-only')) {
  const dbName = `beacon_memory_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  try {
    const u = new URL(PG_URL);
    u.pathname = `/${dbName}`;
    samples.push(await run('PostgreSQL, fresh database', { ...base, DATABASE_URL: u.toString() }));
    samples.push(await run('PostgreSQL, restart', { ...base, DATABASE_URL: u.toString() }));
  } finally {
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

const load = os.loadavg().map((n) => n.toFixed(2)).join(' ');
console.log(`\nIdle memory after ${IDLE_MS / 1000} s — ${os.cpus().length} cores, load average ${load}, node ${process.version}`);
console.log('| run | /healthz | /readyz | idle RSS | peak RSS |');
console.log('|---|---:|---:|---:|---:|');
for (const s of samples) {
  console.log(
    `| ${s.label} | ${(s.healthzMs / 1000).toFixed(2)} s | ${(s.readyzMs / 1000).toFixed(2)} s | ${s.rssMiB.toFixed(0)} MiB | ${s.peakMiB.toFixed(0)} MiB |`,
  );
}

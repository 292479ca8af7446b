// Shared helpers for the on-demand benchmarks (never part of `npm test`).
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(BENCH_DIR, '../..');

/** Epoch milliseconds with sub-millisecond precision; comparable across processes on one machine. */
export const nowMs = (): number => performance.timeOrigin + performance.now();
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${v}`);
  return n;
}

export function envList(name: string, fallback: number[]): number[] {
  const v = process.env[name];
  if (!v) return fallback;
  return v.split(',').map((s) => Number(s.trim())).filter((n) => Number.isFinite(n) && n > 0);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export function median(xs: number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 50);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** VmRSS of a process in KiB (Linux /proc). */
export function rssKiB(pid: number): number {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

// ---- child process bookkeeping: every child we start is ended by pid on exit ----
const children = new Set<ChildProcess>();
export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
export function killAllChildren(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null && c.pid) {
    try {
      process.kill(c.pid, signal);
    } catch {
      /* already gone */
    }
  }
}
process.once('exit', () => killAllChildren('SIGKILL'));
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAllChildren('SIGTERM');
    process.exit(130);
  });
}

/** Forks a TypeScript module of this directory under tsx with an IPC channel. */
export function forkTs(file: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env, silent = false): ChildProcess {
  return track(
    fork(path.join(BENCH_DIR, file), args, {
      execArgv: ['--import', 'tsx'],
      env,
      cwd: ROOT,
      stdio: silent ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
}

/** Waits for the first IPC message that satisfies `pred`, or rejects on timeout / child exit. */
export function nextMessage<T>(child: ChildProcess, pred: (m: any) => boolean, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMsg = (m: any) => {
      if (m && m.type === 'error') {
        cleanup();
        reject(new Error(`${what}: ${m.message}`));
      } else if (pred(m)) {
        cleanup();
        resolve(m as T);
      }
    };
    const onExit = (code: number | null, sig: string | null) => {
      cleanup();
      reject(new Error(`${what}: child exited (${code ?? sig})`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what}: timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    function cleanup() {
      clearTimeout(timer);
      child.off('message', onMsg);
      child.off('exit', onExit);
    }
    child.on('message', onMsg);
    child.once('exit', onExit);
  });
}

/** Minimal HTTP client over node:http (no Accept-Encoding, like autocannon). */
export function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; rawHeaders: string[]; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

// ---- Beacon under test ----
export interface Beacon {
  url: string;
  port: number;
  pid: number;
  token: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** What `npm start` runs (its node flags and dist/app/main.js), after building dist/ if it is stale. */
export function productionArgs(): string[] {
  const build = spawnSync(process.execPath, ['server/cli/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building dist/ failed');
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).slice(1);
}

export const BENCH_ADMIN = { email: 'bench@example.com', password: 'bench-password' };

/** BENCH_BEACON_NODE_ARGS adds node flags to Beacon's own (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
export async function startBeacon(): Promise<Beacon> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-bench-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    BOOTSTRAP_ADMIN_EMAIL: BENCH_ADMIN.email,
    BOOTSTRAP_ADMIN_PASSWORD: BENCH_ADMIN.password,
    DEMO_DATA: 'true',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  };
  delete env.SMTP_URL; // the e-mail figure comes from emailFanout.ts, not from Beacon's own dispatcher
  const { spawn } = await import('node:child_process');
  const extra = process.env.BENCH_BEACON_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const child = track(spawn(process.execPath, [...extra, ...productionArgs()], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] }));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  let ready = false;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Beacon exited during start-up with code ${child.exitCode}`);
    try {
      const r = await request(`${url}/readyz`);
      if (r.status === 200) {
        ready = true;
        break;
      }
    } catch {
      /* not listening yet */
    }
    await sleep(250);
  }
  if (!ready) throw new Error('Beacon did not become ready within 90 s');
  const tok = await request(`${url}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...BENCH_ADMIN, name: 'bench' }),
  });
  if (tok.status !== 201) throw new Error(`POST /api/v1/tokens → ${tok.status}: ${tok.body.toString().slice(0, 300)}`);
  const token = (JSON.parse(tok.body.toString()) as { token: string }).token;
  return {
    url,
    port,
    pid: child.pid!,
    token,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(t);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let writeCounter = 0;
/** One staff write that changes the public status: files an incident through the API. */
export async function staffWrite(beacon: Beacon, title = 'Bench incident'): Promise<void> {
  writeCounter += 1;
  const r = await request(`${beacon.url}/api/v1/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${beacon.token}` },
    body: JSON.stringify({ title: `${title} ${writeCounter}`, severity: 3, message: 'Benchmark write; please ignore.', deliver_notifications: false }),
  });
  if (r.status !== 201 && r.status !== 200) throw new Error(`POST /api/v1/incidents → ${r.status}: ${r.body.toString().slice(0, 300)}`);
}

/** Resolves an incident (keeps the open-incident count bounded during the soak). */
export async function staffJson(beacon: Beacon, method: string, p: string, body: unknown): Promise<unknown> {
  const r = await request(`${beacon.url}${p}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${beacon.token}` },
    body: JSON.stringify(body),
  });
  if (r.status >= 300) throw new Error(`${method} ${p} → ${r.status}: ${r.body.toString().slice(0, 300)}`);
  return r.body.length ? JSON.parse(r.body.toString()) : null;
}

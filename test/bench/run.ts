// On-demand benchmark orchestrator (never run by `npm test` or CI): `npm run bench`.
//   (s) start-up to /healthz, fresh DATA_DIR and restart (startup.ts), (a) hot paths vs a raw
//   node:http replay, (b) websocket fan-out vs raw socket.io, (d) staff writes at a fixed rate with
//   live clients (writePath.ts), (c) e-mail fan-out (emailFanout.ts). Prints one table.
// Flags: --soak [--soak-seconds=N]  run the soak instead (default 600 s)
//        --only=startup,hot,fanout,write,email    run a subset
// Sizes via env: HOT_ROUNDS HOT_SECONDS HOT_WARMUP_SECONDS HOT_CONNECTIONS HOT_PIPELINING
//   FANOUT_SIZES=1000,5000,10000 FANOUT_PROCS FANOUT_TRIALS FANOUT_SETTLE_MS FANOUT_TIMEOUT_MS
//   FANOUT_CONNECT_CONCURRENCY EMAIL_SUBSCRIBERS EMAIL_TIMEOUT_S SOAK_CLIENTS SOAK_RPS SOAK_WRITE_MS SOAK_WARMUP_S
//   STARTUP_ROUNDS WRITE_RATES WRITE_SECONDS WRITE_CLIENTS WRITE_INCIDENTS
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { runFanout, type FanoutRow } from './fanout.js';
import { runHotPath, type HotPathResult } from './hotPath.js';
import { BENCH_DIR, ROOT, envInt, killAllChildren, median, startBeacon, track, type Beacon } from './lib.js';
import { runSoak, type SoakResult } from './soak.js';
import { runStartup, type StartupResult } from './startup.js';
import { runWritePath, type WriteRow } from './writePath.js';

const args = process.argv.slice(2);
const soak = args.includes('--soak');
const soakSeconds = Number(args.find((a) => a.startsWith('--soak-seconds='))?.split('=')[1] ?? 600);
const only = new Set((args.find((a) => a.startsWith('--only='))?.split('=')[1] ?? 'startup,hot,fanout,write,email').split(','));
const log = (s: string) => process.stderr.write(`${s}\n`);
const started = Date.now();
const loadAtStart = os.loadavg().map((n) => n.toFixed(2)).join(' ');
const notes: string[] = [];

interface EmailResult {
  subscribers: number;
  received: number;
  seconds: number;
  msgPerSec: number;
  drainSeconds: number;
}

async function runEmail(): Promise<EmailResult> {
  const n = envInt('EMAIL_SUBSCRIBERS', 10_000);
  const timeoutS = envInt('EMAIL_TIMEOUT_S', 300);
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_SUBSCRIBERS: String(n) };
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'emailFanout.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] }));
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      log(`  email: ${c.toString().trim()}`);
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
    child.once('exit', (code) => {
      clearTimeout(killer);
      const m = /(\d+) of (\d+) messages arrived in ([\d.]+) s \((\d+) msg\/s; dispatcher drain ([\d.]+) s\)/.exec(out);
      if (!m) return reject(new Error(`emailFanout.ts exited ${code} without a result line`));
      resolve({ received: Number(m[1]), subscribers: Number(m[2]), seconds: Number(m[3]), msgPerSec: Number(m[4]), drainSeconds: Number(m[5]) });
    });
  });
}

// ---------------- table ----------------
type Row = [string, string, string, string, string, string];
const rows: Row[] = [];
const f = (n: number | undefined, d = 0) => (n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(d));
const verdict = (ok: boolean | null) => (ok === null ? '' : ok ? 'PASS' : 'FAIL');
const sep = (): void => void rows.push(['', '', '', '', '', '']);

function hotRows(hot: HotPathResult[]): void {
  for (const h of hot) {
    const { ratio, ratioRange } = h;
    rows.push([`hot ${h.path} (${h.status}, ${h.bytes} B) req/s, median`, f(h.beacon.reqPerSec), f(h.raw.reqPerSec), f(ratio, 2), '≥ 0.80', verdict(ratio >= 0.8)]);
    notes.push(`hot ${h.path}: ratio is the median of ${h.beacon.rounds.length} alternating pairs (range ${f(ratioRange[0], 2)}–${f(ratioRange[1], 2)})`);
    rows.push([`hot ${h.path} p99 ms`, f(h.beacon.p99, 1), f(h.raw.p99, 1), f(h.beacon.p99 / h.raw.p99, 2), '', '']);
    if (h.beacon.errors || h.beacon.non2xx || h.raw.errors || h.raw.non2xx)
      notes.push(`hot ${h.path}: beacon errors ${h.beacon.errors}, non-2xx ${h.beacon.non2xx}; raw errors ${h.raw.errors}, non-2xx ${h.raw.non2xx}`);
  }
}

function fanoutRows(fan: FanoutRow[]): void {
  for (const r of fan) {
    const b = r.beacon.lat;
    const w = r.raw.lat;
    const conn = `${r.clients} ws (${r.payloadBytes} B)`;
    const ratio = (k: 'p50' | 'p99' | 'last') => (b && w ? b[k] / w[k] : NaN);
    const within = (k: 'p50' | 'p99' | 'last') => (b && w ? ratio(k) <= 1.5 && b.missing === 0 : false);
    rows.push([`fan-out ${conn} first client ms`, f(b?.first, 1), f(w?.first, 1), b && w ? f(b.first / w.first, 2) : 'n/a', '≤ 25 ms', verdict(b ? b.first <= 25 : false)]);
    rows.push([`fan-out ${conn} p50 ms`, f(b?.p50, 1), f(w?.p50, 1), f(ratio('p50'), 2), '≤ 1.5×', verdict(within('p50'))]);
    rows.push([`fan-out ${conn} p99 ms`, f(b?.p99, 1), f(w?.p99, 1), f(ratio('p99'), 2), '≤ 1.5×', verdict(within('p99'))]);
    rows.push([`fan-out ${conn} last client ms`, f(b?.last, 1), f(w?.last, 1), f(ratio('last'), 2), '≤ 1.5×', verdict(within('last'))]);
    rows.push([`fan-out ${conn} staff answer ms (median)`, f(r.beacon.staffAnswerMs, 1), '', '', '', '']);
    rows.push([`fan-out ${r.clients} ws RSS KiB/idle client`, f(r.beacon.rssPerClientKiB, 1), f(r.raw.rssPerClientKiB, 1), f(r.beacon.rssPerClientKiB / r.raw.rssPerClientKiB, 2), '≤ 15 KiB', verdict(r.beacon.rssPerClientKiB <= 15)]);
    if (r.beacon.failed || r.raw.failed) notes.push(`fan-out ${r.clients}: connect failures beacon ${r.beacon.failed} raw ${r.raw.failed} (first: ${r.beacon.firstError ?? r.raw.firstError})`);
    if (b?.missing || w?.missing) notes.push(`fan-out ${r.clients}: clients without the event (timeout) beacon ${b?.missing ?? 0} raw ${w?.missing ?? 0}`);
    if (r.beacon.error) notes.push(`fan-out ${r.clients} beacon: ${r.beacon.error}`);
    if (r.raw.error) notes.push(`fan-out ${r.clients} raw: ${r.raw.error}`);
    notes.push(`fan-out ${r.clients}: connect time beacon ${f(r.beacon.connectMs / 1000, 1)} s, raw ${f(r.raw.connectMs / 1000, 1)} s; Beacon RSS ${f(r.beacon.rssBeforeKiB / 1024)} → ${f(r.beacon.rssAfterKiB / 1024)} MiB`);
  }
}

function startupRows(r: StartupResult): void {
  const med = (xs: number[]) => median(xs) / 1000;
  const range = (xs: number[]) => `${(Math.min(...xs) / 1000).toFixed(2)}–${(Math.max(...xs) / 1000).toFixed(2)}`;
  rows.push([`start-up to /healthz, fresh DATA_DIR, median of ${r.rounds} s`, f(med(r.freshMs), 2), '', '', '≤ 5 s', verdict(med(r.freshMs) <= 5)]);
  rows.push([`start-up to /healthz, restart, median of ${r.rounds} s`, f(med(r.restartMs), 2), '', '', '≤ 2 s', verdict(med(r.restartMs) <= 2)]);
  notes.push(`start-up: fresh ${range(r.freshMs)} s, restart ${range(r.restartMs)} s; load average at the end ${r.load}`);
}

function writeRows(ws: WriteRow[]): void {
  for (const w of ws) {
    const target = w.rate <= 50;
    rows.push([`writes ${w.rate}/s for ${w.seconds} s: p50 / p99 ms`, `${f(w.p50, 1)} / ${f(w.p99, 1)}`, '', '', target ? 'p99 ≤ 250 ms' : '', target ? verdict(w.p99 <= 250 && w.errors === 0) : '']);
    rows.push([`writes ${w.rate}/s: errors; ${w.clients} live clients behind`, `${w.errors} of ${w.sent}; ${w.behind}${w.converged ? '' : ' (final push stale)'}`, '', '', '0; 0', verdict(w.errors === 0 && w.behind === 0 && w.converged)]);
    if (w.firstError) notes.push(`writes ${w.rate}/s: first error ${w.firstError}`);
  }
}

function soakRows(s: SoakResult): void {
  rows.push([`soak ${s.seconds} s: sockets connected`, `${s.connected}/${s.clients}`, '', '', 'all', verdict(s.connected === s.clients)]);
  rows.push([`soak: Beacon RSS start → end (peak) MiB`, `${f(s.rssStartKiB / 1024)} → ${f(s.rssEndKiB / 1024)} (${f(s.rssPeakKiB / 1024)})`, '', '', '', '']);
  rows.push([`soak: RSS trough after ${s.warmupS} s warm-up → last window MiB`, `${f(s.troughStartKiB / 1024)} → ${f(s.troughEndKiB / 1024)}`, '', '', '', '']);
  rows.push([`soak: memory growth (troughs) %`, f(s.growthPct, 1), '', '', '< 10 %', verdict(s.growthPct < 10)]);
  rows.push([`soak: … counted from the first window instead (${f(s.troughFirstKiB / 1024)} MiB) %`, f(s.growthFromStartPct, 1), '', '', '', '']);
  if (s.breakdown) {
    const b = s.breakdown;
    const pair = ([a, z]: [number, number]) => (Number.isFinite(a) ? `${f(a)} → ${f(z)}` : 'n/a');
    rows.push([`soak: lowest JS heap used / committed / external / embedded DB heap MiB`, `${pair(b.heapUsed)} / ${pair(b.heapTotal)} / ${pair(b.external)} / ${pair(b.embeddedHeap)}`, '', '', '', '']);
  }
  rows.push([`soak: reads req/s (p99 ms)`, s.http ? `${f(s.http.reqPerSec)} (${f(s.http.p99, 1)})` : 'n/a', '', '', '~500 req/s', '']);
  const httpErr = s.http ? s.http.errors + s.http.timeouts + s.http.non2xx : NaN;
  rows.push([`soak: HTTP errors / write errors / ws disconnects`, `${f(httpErr)} / ${s.writeErrors} of ${s.writes} / ${s.disconnected}`, '', '', '0', verdict(httpErr === 0 && s.writeErrors === 0 && s.disconnected === 0)]);
  rows.push([`soak: clients behind final seq ${s.finalSeq} (lost events)`, String(s.behind), '', '', '0', verdict(s.behind === 0)]);
  if (s.httpError) notes.push(`soak reads: ${s.httpError}`);
  if (s.firstWriteError) notes.push(`soak writes: ${s.firstWriteError}`);
  if (s.firstError) notes.push(`soak connect: ${s.firstError}`);
}

function printTable(): void {
  const head: Row = ['Measure', 'Beacon', 'Raw', 'Beacon/Raw', 'Target', ''];
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: Row) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' | ')} |`;
  const out: string[] = [];
  out.push('');
  out.push(`Beacon bench — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, ${os.platform()} ${os.release()}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; load average at start ${loadAtStart}, at end ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  out.push(line(head));
  out.push(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`);
  for (const r of rows) out.push(r.every((c) => c === '') ? `|${w.map((n) => ' '.repeat(n + 2)).join('|')}|` : line(r));
  for (const n of notes) out.push(`  note: ${n}`);
  out.push(`  total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.stdout.write(`${out.join('\n')}\n`);
}

let beacon: Beacon | null = null;
let failed = false;
if (!soak && only.has('startup')) {
  log('(s) start-up …');
  try {
    startupRows(await runStartup(log));
  } catch (e) {
    failed = true;
    notes.push(`start-up failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  sep();
}
try {
  if (soak || only.has('hot') || only.has('fanout') || only.has('write')) {
    log('starting Beacon …');
    beacon = await startBeacon();
    log(`Beacon pid ${beacon.pid} on ${beacon.url}`);
  }
  if (soak) {
    try {
      soakRows(await runSoak(beacon!, soakSeconds, log));
    } catch (e) {
      failed = true;
      notes.push(`soak failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else {
    if (only.has('hot')) {
      log('(a) hot paths …');
      try {
        hotRows(await runHotPath(beacon!, log));
      } catch (e) {
        failed = true;
        notes.push(`hot path failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      sep();
    }
    if (only.has('fanout')) {
      log('(b) websocket fan-out …');
      try {
        fanoutRows(await runFanout(beacon!, log));
      } catch (e) {
        failed = true;
        notes.push(`fan-out failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      sep();
    }
    if (only.has('write')) {
      log('(d) write path …');
      try {
        writeRows(await runWritePath(beacon!, log));
      } catch (e) {
        failed = true;
        notes.push(`write path failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      sep();
    }
  }
} catch (e) {
  failed = true;
  notes.push(`Beacon: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  await beacon?.stop();
}
if (!soak && only.has('email')) {
  log('(c) e-mail fan-out …');
  try {
    const e = await runEmail();
    rows.push([`e-mail ${e.subscribers} subscribers, loopback SMTP: s`, f(e.seconds, 2), '', '', '', verdict(e.received >= e.subscribers)]);
    rows.push([`e-mail msg/s (dispatcher drain s)`, `${e.msgPerSec} (${f(e.drainSeconds, 2)})`, '', '', '', '']);
  } catch (e) {
    failed = true;
    notes.push(`e-mail fan-out failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
if (rows.at(-1)?.every((c) => c === '')) rows.pop();
printTable();
killAllChildren();
process.exit(failed ? 1 : 0);

// (b) Websocket fan-out: N socket.io clients on Beacon's /public namespace vs N on a bare socket.io
// server. Latency = first `status` event with a newer seq at each client − t0 (Beacon: just before the
// staff POST; raw: just before io.emit). Clients live in several child processes; all timestamps are
// epoch ms (performance.timeOrigin + performance.now()), which child processes on one host share.
import type { ChildProcess } from 'node:child_process';
import { io, type Socket } from 'socket.io-client';
import { envInt, envList, forkTs, median, nextMessage, nowMs, percentile, rssKiB, sleep, staffWrite, type Beacon } from './lib.js';

interface Connected {
  ok: number;
  failed: number;
  firstError?: string;
  ms: number;
}

/** Several child processes, each holding a share of the clients (and its own source address). */
export class ClientPool {
  private constructor(private readonly procs: ChildProcess[]) {}

  static async start(count: number): Promise<ClientPool> {
    const procs = Array.from({ length: count }, () => forkTs('fanoutClients.ts'));
    await Promise.all(procs.map((p, i) => nextMessage(p, (m) => m.type === 'ready', 30_000, `client process ${i} start`)));
    return new ClientPool(procs);
  }

  async connect(url: string, n: number): Promise<Connected> {
    const concurrency = envInt('FANOUT_CONNECT_CONCURRENCY', 50);
    const share = (i: number) => Math.floor(n / this.procs.length) + (i < n % this.procs.length ? 1 : 0);
    const results = await Promise.all(
      this.procs.map((p, i) => {
        const done = nextMessage<Connected>(p, (m) => m.type === 'connected', 300_000, `connect ${n} clients`);
        // A distinct loopback source address per process keeps clear of ephemeral-port exhaustion.
        p.send({ cmd: 'connect', url, count: share(i), localAddress: `127.0.0.${10 + i}`, concurrency });
        return done;
      }),
    );
    return {
      ok: results.reduce((a, r) => a + r.ok, 0),
      failed: results.reduce((a, r) => a + r.failed, 0),
      firstError: results.find((r) => r.firstError)?.firstError,
      ms: Math.max(...results.map((r) => r.ms)),
    };
  }

  /** Arms every client for seq ≥ minSeq; resolves once all are armed with a promise of all receive times. */
  async arm(minSeq: number, timeoutMs: number): Promise<{ done: Promise<{ times: number[]; missing: number }> }> {
    const received = this.procs.map((p) => nextMessage<{ times: number[]; missing: number }>(p, (m) => m.type === 'received', timeoutMs + 30_000, 'receive'));
    const armed = this.procs.map((p) => nextMessage(p, (m) => m.type === 'armed', 30_000, 'arm'));
    for (const p of this.procs) p.send({ cmd: 'arm', minSeq, timeoutMs });
    await Promise.all(armed);
    // Wrapped in an object: an async function returning a bare promise would wait for it.
    return { done: Promise.all(received).then((rs) => ({ times: rs.flatMap((r) => r.times), missing: rs.reduce((a, r) => a + r.missing, 0) })) };
  }

  async check(seq: number): Promise<{ behind: number; connected: number; disconnected: number; total: number }> {
    const rs = await Promise.all(
      this.procs.map((p) => {
        const done = nextMessage<{ behind: number; connected: number; disconnected: number; total: number }>(p, (m) => m.type === 'checked', 30_000, 'check');
        p.send({ cmd: 'check', seq });
        return done;
      }),
    );
    return {
      behind: rs.reduce((a, r) => a + r.behind, 0),
      connected: rs.reduce((a, r) => a + r.connected, 0),
      disconnected: rs.reduce((a, r) => a + r.disconnected, 0),
      total: rs.reduce((a, r) => a + r.total, 0),
    };
  }

  async disconnect(): Promise<void> {
    await Promise.all(
      this.procs.map((p) => {
        const done = nextMessage(p, (m) => m.type === 'disconnected', 60_000, 'disconnect');
        p.send({ cmd: 'disconnect' });
        return done;
      }),
    );
  }

  async stop(): Promise<void> {
    for (const p of this.procs) if (p.connected) p.send({ cmd: 'exit' });
    await sleep(300);
    for (const p of this.procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
  }
}

/** One extra client in the orchestrator that follows Beacon's current seq and payload. */
export class Observer {
  seq = -1;
  status: unknown = null;
  private readonly socket: Socket;
  private waiters: { seq: number; resolve: () => void }[] = [];

  constructor(url: string) {
    this.socket = io(`${url}/public`, { transports: ['websocket'], forceNew: true });
    this.socket.on('status', (p: { seq?: number }) => {
      if (typeof p?.seq === 'number' && p.seq > this.seq) {
        this.seq = p.seq;
        this.status = p;
        this.waiters = this.waiters.filter((w) => (w.seq <= this.seq ? (w.resolve(), false) : true));
      }
    });
  }

  waitFor(seq: number, timeoutMs: number): Promise<boolean> {
    if (this.seq >= seq) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push({ seq, resolve: () => (clearTimeout(t), resolve(true)) });
    });
  }

  close(): void {
    this.socket.close();
  }
}

export interface LatencyStats {
  p50: number;
  p99: number;
  max: number;
  /** Median over the trials of each trial's first and last client. */
  first: number;
  last: number;
  received: number;
  missing: number;
}

export interface FanoutRow {
  clients: number;
  beacon: { connected: number; failed: number; firstError?: string; connectMs: number; rssPerClientKiB: number; rssBeforeKiB: number; rssAfterKiB: number; lat: LatencyStats | null; error?: string; staffAnswerMs?: number };
  raw: { connected: number; failed: number; firstError?: string; connectMs: number; rssPerClientKiB: number; lat: LatencyStats | null; error?: string };
  payloadBytes: number;
}

function stats(trials: number[][], missing: number): LatencyStats {
  const s = trials.flat().sort((a, b) => a - b);
  const ends = trials.filter((t) => t.length);
  return {
    p50: percentile(s, 50),
    p99: percentile(s, 99),
    max: s.at(-1) ?? NaN,
    first: median(ends.map((t) => Math.min(...t))),
    last: median(ends.map((t) => Math.max(...t))),
    received: s.length,
    missing,
  };
}

export async function runFanout(beacon: Beacon, log: (s: string) => void): Promise<FanoutRow[]> {
  const sizes = envList('FANOUT_SIZES', [1000, 5000, 10000]);
  const procs = envInt('FANOUT_PROCS', 4);
  const trials = Math.max(1, envInt('FANOUT_TRIALS', 3));
  const settleMs = envInt('FANOUT_SETTLE_MS', 3000);
  const timeoutMs = envInt('FANOUT_TIMEOUT_MS', 30_000);

  const observer = new Observer(beacon.url);
  if (!(await observer.waitFor(0, 15_000))) throw new Error('no status event from Beacon /public within 15 s');
  const payloadBytes = Buffer.byteLength(JSON.stringify(observer.status));

  const pool = await ClientPool.start(procs);
  const raw = forkTs('rawServer.ts');
  const rows: FanoutRow[] = [];
  try {
    await nextMessage(raw, (m) => m.type === 'ready', 30_000, 'raw io server start');
    raw.send({ cmd: 'io', status: observer.status });
    const { port: rawPort } = await nextMessage<{ port: number }>(raw, (m) => m.type === 'listening', 10_000, 'raw io listen');
    const rawUrl = `http://127.0.0.1:${rawPort}`;
    const rawRss = async () => {
      const r = nextMessage<{ kib: number }>(raw, (m) => m.type === 'rss', 10_000, 'raw rss');
      raw.send({ cmd: 'rss' });
      return (await r).kib;
    };
    let rawSeq = (observer.status as { seq: number }).seq;

    for (const n of sizes) {
      const row: FanoutRow = {
        clients: n,
        payloadBytes,
        raw: { connected: 0, failed: 0, connectMs: 0, rssPerClientKiB: NaN, lat: null },
        beacon: { connected: 0, failed: 0, connectMs: 0, rssPerClientKiB: NaN, rssBeforeKiB: NaN, rssAfterKiB: NaN, lat: null },
      };
      // --- raw socket.io ---
      try {
        const before = await rawRss();
        const c = await pool.connect(rawUrl, n);
        Object.assign(row.raw, { connected: c.ok, failed: c.failed, firstError: c.firstError, connectMs: c.ms });
        await sleep(settleMs);
        row.raw.rssPerClientKiB = ((await rawRss()) - before) / Math.max(1, c.ok);
        const lat: number[][] = [];
        let missing = 0;
        for (let t = 0; t < trials; t++) {
          rawSeq += 1;
          const { done } = await pool.arm(rawSeq, timeoutMs);
          const emitted = nextMessage<{ t0: number }>(raw, (m) => m.type === 'emitted', 10_000, 'raw emit');
          raw.send({ cmd: 'emit', status: { ...(observer.status as object), seq: rawSeq } });
          const { t0 } = await emitted;
          const r = await done;
          lat.push(r.times.map((x) => x - t0));
          missing += r.missing;
          await sleep(300);
        }
        row.raw.lat = stats(lat, missing);
      } catch (e) {
        row.raw.error = e instanceof Error ? e.message : String(e);
      }
      await pool.disconnect();
      log(`  fan-out ${n} raw: ${fmtLat(row.raw.lat)} (connected ${row.raw.connected}/${n} in ${(row.raw.connectMs / 1000).toFixed(1)} s${row.raw.error ? `; ${row.raw.error}` : ''})`);
      await sleep(1000);

      // --- Beacon ---
      try {
        await sleep(settleMs); // idle first: V8/PGlite give memory back after activity, which skews a baseline
        const before = await steadyRss(beacon.pid);
        const c = await pool.connect(beacon.url, n);
        Object.assign(row.beacon, { connected: c.ok, failed: c.failed, firstError: c.firstError, connectMs: c.ms });
        await sleep(settleMs);
        const after = await steadyRss(beacon.pid);
        Object.assign(row.beacon, { rssBeforeKiB: before, rssAfterKiB: after, rssPerClientKiB: (after - before) / Math.max(1, c.ok) });
        const lat: number[][] = [];
        const answers: number[] = [];
        let missing = 0;
        for (let t = 0; t < trials; t++) {
          const minSeq = observer.seq + 1;
          const { done } = await pool.arm(minSeq, timeoutMs);
          const t0 = nowMs();
          await staffWrite(beacon, `Fan-out ${n}`);
          answers.push(nowMs() - t0); // the staff member's wait, which the push to every socket may hold up
          const r = await done;
          lat.push(r.times.map((x) => x - t0));
          missing += r.missing;
          await observer.waitFor(minSeq, 10_000);
          await sleep(500); // let follow-up rebuilds of the same write settle before the next trial
        }
        row.beacon.lat = stats(lat, missing);
        row.beacon.staffAnswerMs = median(answers);
      } catch (e) {
        row.beacon.error = e instanceof Error ? e.message : String(e);
      }
      await pool.disconnect();
      log(`  fan-out ${n} beacon: ${fmtLat(row.beacon.lat)}, staff answer ${row.beacon.staffAnswerMs?.toFixed(1) ?? 'n/a'} ms (connected ${row.beacon.connected}/${n} in ${(row.beacon.connectMs / 1000).toFixed(1)} s${row.beacon.error ? `; ${row.beacon.error}` : ''})`);
      rows.push(row);
      await sleep(1000);
    }
  } finally {
    observer.close();
    await pool.stop();
    if (raw.connected) raw.send({ cmd: 'exit' });
    await sleep(200);
    if (raw.exitCode === null && raw.signalCode === null) raw.kill('SIGTERM');
  }
  return rows;
}

/** Median of three VmRSS samples 500 ms apart. */
async function steadyRss(pid: number): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < 3; i++) {
    if (i) await sleep(500);
    xs.push(rssKiB(pid));
  }
  return xs.sort((a, b) => a - b)[1]!;
}

export function fmtLat(l: LatencyStats | null): string {
  return l ? `first ${l.first.toFixed(1)} ms, p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, last ${l.last.toFixed(1)} ms${l.missing ? `, ${l.missing} missing` : ''}` : 'n/a';
}

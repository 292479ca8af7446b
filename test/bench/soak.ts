// --soak: N sockets (default 10 000) on Beacon's /public namespace, ~500 req/s of mixed public reads
// (autocannon child, overallRate) and a staff write every few seconds for the soak duration. Reports
// Beacon RSS growth, HTTP/write/socket errors and lost events (every client must hold the final seq).
// Growth compares troughs, not samples: RSS is read every 250 ms and the minimum of the first window
// (SOAK_WINDOW_S, default a fifth of the run, at most 60 s) is compared with the minimum of the last,
// so the saw-tooth between collections does not count as growth. The first window starts after a
// warm-up under the same load (SOAK_WARMUP_S, default 60 s, part of the run), in which V8 sizes its
// heap for the load and compiles the hot code; the growth from the very start is reported beside it.
import { ClientPool, Observer } from './fanout.js';
import { runAutocannon, HOT_PATHS, type CannonSummary } from './hotPath.js';
import { envInt, request, rssKiB, sleep, staffJson, type Beacon } from './lib.js';

export interface SoakResult {
  seconds: number;
  clients: number;
  connected: number;
  connectFailed: number;
  firstError?: string;
  rssStartKiB: number;
  rssEndKiB: number;
  rssPeakKiB: number;
  growthPct: number;
  troughStartKiB: number;
  /** Seconds of the run before the first window. */
  warmupS: number;
  /** The trough in the run's very first window (during warm-up), and the growth measured from it. */
  troughFirstKiB: number;
  growthFromStartPct: number;
  troughEndKiB: number;
  http: CannonSummary | null;
  httpError?: string;
  writes: number;
  writeErrors: number;
  firstWriteError?: string;
  finalSeq: number;
  behind: number;
  disconnected: number;
  /** Where the memory is, first window → last window: the lowest JS heap in use and committed, V8's external memory, the embedded database's WebAssembly heap (MiB). */
  breakdown: { heapUsed: [number, number]; heapTotal: [number, number]; external: [number, number]; embeddedHeap: [number, number] } | null;
}

/** Beacon's own memory figures from /metrics (the bench is a loopback caller). */
async function memoryFigures(beacon: Beacon): Promise<{ heapUsed: number; heapTotal: number; external: number; embeddedHeap: number } | null> {
  try {
    const text = (await request(`${beacon.url}/metrics`)).body.toString();
    const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
    return { heapUsed: read('beacon_nodejs_heap_size_used_bytes'), heapTotal: read('beacon_nodejs_heap_size_total_bytes'), external: read('beacon_nodejs_external_memory_bytes'), embeddedHeap: read('beacon_embedded_database_heap_bytes') };
  } catch {
    return null;
  }
}

export async function runSoak(beacon: Beacon, seconds: number, log: (s: string) => void): Promise<SoakResult> {
  const clients = envInt('SOAK_CLIENTS', 10_000);
  const rps = envInt('SOAK_RPS', 500);
  const writeMs = Math.max(500, envInt('SOAK_WRITE_MS', 3000));
  const procs = envInt('FANOUT_PROCS', 4);

  const observer = new Observer(beacon.url);
  if (!(await observer.waitFor(0, 15_000))) throw new Error('no status event from Beacon /public within 15 s');
  const pool = await ClientPool.start(procs);
  try {
    const c = await pool.connect(beacon.url, clients);
    log(`  soak: ${c.ok}/${clients} sockets connected in ${(c.ms / 1000).toFixed(1)} s${c.firstError ? ` (first error: ${c.firstError})` : ''}`);
    await sleep(envInt('FANOUT_SETTLE_MS', 3000));
    const rssStart = rssKiB(beacon.pid);
    let rssPeak = rssStart;
    const startedAt = Date.now();
    const endAt = startedAt + seconds * 1000;
    const samples: { t: number; kib: number }[] = [];
    const sampler = setInterval(() => {
      const kib = rssKiB(beacon.pid);
      samples.push({ t: Date.now() - startedAt, kib });
      if (kib > rssPeak) rssPeak = kib;
    }, 250);

    const figures: { t: number; heapUsed: number; heapTotal: number; external: number; embeddedHeap: number }[] = [];
    const figureSampler = setInterval(() => {
      const t = Date.now() - startedAt;
      void memoryFigures(beacon).then((m) => m && figures.push({ t, ...m }));
    }, 2000);

    // Mixed reads for the whole soak, in their own process.
    let http: CannonSummary | null = null;
    let httpError: string | undefined;
    const reads = runAutocannon({ url: beacon.url, connections: 20, pipelining: 1, duration: seconds, overallRate: rps, paths: HOT_PATHS })
      .then((r) => (http = r))
      .catch((e: unknown) => (httpError = e instanceof Error ? e.message : String(e)));

    // Staff writes: file an incident, move it through identified → monitoring → resolved, repeat.
    let writes = 0;
    let writeErrors = 0;
    let firstWriteError: string | undefined;
    let current: string | null = null;
    const steps = ['identified', 'monitoring', 'resolved'] as const;
    let step = 0;
    let lastSample = 0;
    while (Date.now() < endAt) {
      try {
        if (!current) {
          const inc = (await staffJson(beacon, 'POST', '/api/v1/incidents', { title: `Soak incident ${writes}`, severity: 3, message: 'Soak write; please ignore.', deliver_notifications: false })) as { id: string };
          current = inc.id;
          step = 0;
        } else {
          const status = steps[step]!;
          await staffJson(beacon, 'POST', `/api/v1/incidents/${current}/updates`, { status, message: `Soak: ${status}.`, deliver_notifications: false });
          step += 1;
          if (status === 'resolved') current = null;
        }
        writes += 1;
      } catch (e) {
        writeErrors += 1;
        firstWriteError ??= e instanceof Error ? e.message : String(e);
        current = null;
      }
      const rss = samples.at(-1)?.kib ?? rssStart;
      if (Date.now() - lastSample > 60_000) {
        lastSample = Date.now();
        log(`  soak: ${Math.round((endAt - Date.now()) / 1000)} s left, RSS ${(rss / 1024).toFixed(0)} MiB, seq ${observer.seq}, writes ${writes}`);
      }
      await sleep(Math.min(writeMs, Math.max(0, endAt - Date.now())));
    }
    await reads;
    clearInterval(sampler);
    clearInterval(figureSampler);
    const windowMs = envInt('SOAK_WINDOW_S', Math.min(60, seconds / 5)) * 1000;
    const trough = (from: number, to: number) => Math.min(...samples.filter((x) => x.t >= from && x.t < to).map((x) => x.kib));
    const warmupMs = Math.min(envInt('SOAK_WARMUP_S', 60) * 1000, seconds * 1000 - 2 * windowMs);
    const troughStart = trough(warmupMs, warmupMs + windowMs);
    const troughEnd = trough(seconds * 1000 - windowMs, Infinity);
    const troughFirst = trough(0, windowMs);
    type Key = 'heapUsed' | 'heapTotal' | 'external' | 'embeddedHeap';
    const lowest = (key: Key, from: number, to: number) => Math.min(...figures.filter((x) => x.t >= from && x.t < to).map((x) => x[key]));
    const both = (key: Key): [number, number] => [lowest(key, warmupMs, warmupMs + windowMs), lowest(key, seconds * 1000 - windowMs, Infinity)];
    const breakdown = figures.length ? { heapUsed: both('heapUsed'), heapTotal: both('heapTotal'), external: both('external'), embeddedHeap: both('embeddedHeap') } : null;
    await sleep(3000); // let the last rebuild reach everyone
    const finalSeq = observer.seq;
    const check = await pool.check(finalSeq);
    const rssEnd = rssKiB(beacon.pid);
    return {
      seconds,
      clients,
      connected: c.ok,
      connectFailed: c.failed,
      firstError: c.firstError,
      rssStartKiB: rssStart,
      rssEndKiB: rssEnd,
      rssPeakKiB: Math.max(rssPeak, rssEnd),
      growthPct: ((troughEnd - troughStart) / troughStart) * 100,
      warmupS: warmupMs / 1000,
      growthFromStartPct: ((troughEnd - troughFirst) / troughFirst) * 100,
      troughFirstKiB: troughFirst,
      troughStartKiB: troughStart,
      troughEndKiB: troughEnd,
      http,
      httpError,
      writes,
      writeErrors,
      firstWriteError,
      finalSeq,
      behind: check.behind,
      disconnected: check.disconnected,
      breakdown,
    };
  } finally {
    observer.close();
    await pool.disconnect().catch(() => {});
    await pool.stop();
  }
}

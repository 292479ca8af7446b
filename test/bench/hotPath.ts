// (a) Hot-path comparison: Beacon vs a bare node:http server replaying Beacon's exact bytes and headers.
// autocannon runs in its own child process; raw and Beacon rounds alternate so drift hits both, and
// the ratio is the median of each pair's ratio: on this 2-core machine the same raw server's cost per
// request swings by up to 40 % from one 5 s round to the next (loopback TCP in the kernel, not
// JavaScript), so a ratio of the two sides' means can land anywhere between 0.65 and 1.3 on one run.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BENCH_DIR, ROOT, envInt, forkTs, median, nextMessage, request, track, type Beacon } from './lib.js';

export const HOT_PATHS = ['/', '/api/v2/summary.json', '/api/v2/status.json', '/api/v1/announcements'];

export interface CannonSummary {
  reqPerSec: number;
  total: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}

export interface HotPathResult {
  path: string;
  bytes: number;
  status: number;
  beacon: { reqPerSec: number; p99: number; errors: number; non2xx: number; rounds: CannonSummary[] };
  raw: { reqPerSec: number; p99: number; errors: number; non2xx: number; rounds: CannonSummary[] };
  /** Median over the alternating pairs of Beacon's req/s over the raw server's. */
  ratio: number;
  /** The lowest and highest pair ratio. */
  ratioRange: [number, number];
}

export function runAutocannon(opts: { url: string; connections?: number; pipelining?: number; duration: number; overallRate?: number; paths?: string[] }): Promise<CannonSummary> {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'autocannonRunner.ts'), JSON.stringify(opts)], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), (opts.duration + 60) * 1000);
    child.once('exit', (code) => {
      clearTimeout(killer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as CannonSummary);
      } catch {
        reject(new Error(`autocannon runner exited ${code} without a result: ${out.slice(0, 300)}`));
      }
    });
  });
}

function aggregate(rounds: CannonSummary[]) {
  return {
    reqPerSec: median(rounds.map((r) => r.reqPerSec)),
    p99: median(rounds.map((r) => r.p99)),
    errors: rounds.reduce((a, r) => a + r.errors + r.timeouts, 0),
    non2xx: rounds.reduce((a, r) => a + r.non2xx, 0),
    rounds,
  };
}

export async function runHotPath(beacon: Beacon, log: (s: string) => void): Promise<HotPathResult[]> {
  const rounds = envInt('HOT_ROUNDS', 6);
  const seconds = envInt('HOT_SECONDS', 4);
  const warmup = envInt('HOT_WARMUP_SECONDS', 2);
  const connections = envInt('HOT_CONNECTIONS', 50);
  const pipelining = envInt('HOT_PIPELINING', 1);

  // Fetch each response once (no Accept-Encoding, exactly as autocannon asks) and replay it verbatim.
  const routes = [];
  for (const p of HOT_PATHS) {
    const r = await request(`${beacon.url}${p}`);
    routes.push({ path: p, status: r.status, rawHeaders: r.rawHeaders, body: r.body.toString('base64'), bytes: r.body.length });
  }
  const raw = forkTs('rawServer.ts');
  try {
    await nextMessage(raw, (m) => m.type === 'ready', 30_000, 'raw http server start');
    raw.send({ cmd: 'http', routes });
    const { port } = await nextMessage<{ port: number }>(raw, (m) => m.type === 'listening', 10_000, 'raw http listen');
    const rawUrl = `http://127.0.0.1:${port}`;

    const results: HotPathResult[] = [];
    for (const route of routes) {
      const target = { raw: `${rawUrl}${route.path}`, beacon: `${beacon.url}${route.path}` };
      if (warmup > 0) {
        await runAutocannon({ url: target.raw, connections, pipelining, duration: warmup });
        await runAutocannon({ url: target.beacon, connections, pipelining, duration: warmup });
      }
      const r: CannonSummary[] = [];
      const b: CannonSummary[] = [];
      for (let i = 0; i < rounds; i++) {
        r.push(await runAutocannon({ url: target.raw, connections, pipelining, duration: seconds }));
        b.push(await runAutocannon({ url: target.beacon, connections, pipelining, duration: seconds }));
        log(`  hot ${route.path} round ${i + 1}/${rounds}: raw ${r.at(-1)!.reqPerSec.toFixed(0)} req/s, beacon ${b.at(-1)!.reqPerSec.toFixed(0)} req/s`);
      }
      const pairs = b.map((x, i) => x.reqPerSec / r[i]!.reqPerSec);
      results.push({
        path: route.path,
        bytes: route.bytes,
        status: route.status,
        raw: aggregate(r),
        beacon: aggregate(b),
        ratio: median(pairs),
        ratioRange: [Math.min(...pairs), Math.max(...pairs)],
      });
    }
    return results;
  } finally {
    raw.send({ cmd: 'exit' });
    await new Promise((r) => setTimeout(r, 200));
    if (raw.exitCode === null) raw.kill('SIGTERM');
  }
}

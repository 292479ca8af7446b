// (d) Write path: staff updates at a fixed open-loop rate (50/s by default) for WRITE_SECONDS, each an
// incident update over the API with a token, latency from its scheduled send time (a slow answer does
// not hold back the next request, so queueing shows in the figures). N live clients stay connected;
// afterwards every one must hold the final seq, and the final push must show each incident's last update.
// Sizes via env: WRITE_RATES=50,100 (one run per rate: "what the machine allows beyond that")
//   WRITE_SECONDS=60 WRITE_CLIENTS=1000 WRITE_INCIDENTS=10
import http from 'node:http';
import { ClientPool, Observer } from './fanout.js';
import { envInt, envList, nowMs, percentile, sleep, staffJson, type Beacon } from './lib.js';

export interface WriteRow {
  rate: number;
  seconds: number;
  sent: number;
  ok: number;
  errors: number;
  firstError?: string;
  p50: number;
  p99: number;
  max: number;
  clients: number;
  behind: number;
  converged: boolean;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function post(beacon: Beacon, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(`${beacon.url}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), authorization: `Bearer ${beacon.token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(data);
  });
}

export async function runWritePath(beacon: Beacon, log: (s: string) => void): Promise<WriteRow[]> {
  const rates = envList('WRITE_RATES', [50]);
  const seconds = envInt('WRITE_SECONDS', 60);
  const clients = envInt('WRITE_CLIENTS', 1000);
  const incidentCount = Math.max(1, envInt('WRITE_INCIDENTS', 10));

  const observer = new Observer(beacon.url);
  if (!(await observer.waitFor(0, 15_000))) throw new Error('no status event from Beacon /public within 15 s');
  const pool = await ClientPool.start(envInt('FANOUT_PROCS', 4));
  const rows: WriteRow[] = [];
  const ids: string[] = [];
  try {
    const c = await pool.connect(beacon.url, clients);
    log(`  write path: ${c.ok}/${clients} live clients connected`);
    for (let i = 0; i < incidentCount; i++) {
      const inc = (await staffJson(beacon, 'POST', '/api/v1/incidents', { title: `Write-path incident ${i}`, severity: 4, message: 'Bench write; please ignore.', deliver_notifications: false })) as { id: string };
      ids.push(inc.id);
    }
    let n = 0;
    const steps = ['identified', 'monitoring', 'investigating'];
    for (const rate of rates) {
      const total = Math.round(rate * seconds);
      const lat: number[] = [];
      const timeline: Array<[number, number]> = [];
      let errors = 0;
      let firstError: string | undefined;
      const start = nowMs() + 100;
      const inFlight: Promise<void>[] = [];
      for (let k = 0; k < total; k++) {
        const due = start + (k * 1000) / rate;
        const wait = due - nowMs();
        if (wait > 1) await sleep(wait);
        n += 1;
        const id = ids[k % ids.length]!;
        const message = `Bench write #${n}.`;
        inFlight.push(
          post(beacon, `/api/v1/incidents/${id}/updates`, { status: steps[n % steps.length], message, deliver_notifications: false }).then(
            (status) => {
              if (status === 201 || status === 200) {
                lat.push(nowMs() - due);
                timeline.push([due - start, nowMs() - due]);
              }
              else {
                errors += 1;
                firstError ??= `HTTP ${status}`;
              }
            },
            (e: unknown) => {
              errors += 1;
              firstError ??= e instanceof Error ? e.message : String(e);
            },
          ),
        );
      }
      await Promise.all(inFlight);
      // Converged: the observer's seq has not moved for longer than the longest push interval (a
      // burst stretches it up to 2 s, server/runtime.ts); then every client must hold it.
      let seq = observer.seq;
      for (let still = 0, i = 0; still < 2_500 && i < 80; i++) {
        await sleep(250);
        still = seq === observer.seq ? still + 250 : 0;
        seq = observer.seq;
      }
      const check = await pool.check(observer.seq);
      const html = String((observer.status as { html?: string }).html ?? '');
      // Concurrent writes to one incident may commit out of send order: compare with what was stored.
      const newest = await Promise.all(ids.map(async (id) => ((await (await fetch(`${beacon.url}/api/v1/incidents/${id}`, { headers: { authorization: `Bearer ${beacon.token}` } })).json()) as { incident_updates: { body: string }[] }).incident_updates[0]?.body ?? ''));
      const converged = newest.every((m) => html.includes(m));
      if (process.env.WRITE_TIMELINE) {
        const bySecond = new Map<number, number[]>();
        for (const [at, ms] of timeline) bySecond.set(Math.floor(at / 1000), [...(bySecond.get(Math.floor(at / 1000)) ?? []), ms]);
        for (const [sec, ms] of [...bySecond].sort((a, b) => a[0] - b[0])) log(`    t=${sec}s sent ${ms.length}: median ${percentile(ms.sort((a, b) => a - b), 50).toFixed(0)} ms, max ${ms.at(-1)!.toFixed(0)} ms`);
      }
      const s = lat.sort((a, b) => a - b);
      const row: WriteRow = { rate, seconds, sent: total, ok: s.length, errors, firstError, p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) ?? NaN, clients: check.total, behind: check.behind, converged };
      log(`  write path ${rate}/s: ${row.ok}/${total} ok, p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, max ${row.max.toFixed(0)} ms; clients behind ${row.behind}/${row.clients}, final push shows every last update: ${converged}`);
      rows.push(row);
      await sleep(2000);
    }
  } finally {
    observer.close();
    await pool.disconnect().catch(() => {});
    await pool.stop();
    for (const id of ids) await staffJson(beacon, 'POST', `/api/v1/incidents/${id}/updates`, { status: 'resolved', message: 'Bench done.', deliver_notifications: false }).catch(() => {});
  }
  return rows;
}

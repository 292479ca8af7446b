// Start-up time of what `npm start` runs: spawn → first 200 from /healthz, on a fresh DATA_DIR and on a
// restart of the same one, several rounds each (fresh and restart alternate so drift hits both).
// Alone: `node --import tsx test/bench/startup.ts` (STARTUP_ROUNDS=5, STARTUP_PROFILE_DIR=dir writes
// a --cpu-prof of every start there); in the table: `npm run bench -- --only=startup`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, envInt, freePort, median, nowMs, productionArgs, request, sleep, track } from './lib.js';

export interface StartupResult {
  rounds: number;
  freshMs: number[];
  restartMs: number[];
  load: string;
}

async function startOnce(dataDir: string, args: string[], profileDir?: string): Promise<number> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DEMO_DATA: 'true' };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'SMTP_URL']) delete env[k];
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, ...args] : args;
  const started = nowMs();
  const child = track(spawn(process.execPath, nodeArgs, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] }));
  const deadline = Date.now() + 120_000;
  let ms = NaN;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Beacon exited during start-up with code ${child.exitCode}`);
    try {
      if ((await request(`http://127.0.0.1:${port}/healthz`)).status === 200) {
        ms = nowMs() - started;
        break;
      }
    } catch {
      /* not listening yet */
    }
    await sleep(10);
  }
  // Let start-up finish (readyz) before stopping, so the next restart finds a cleanly closed database.
  while (Date.now() < deadline) {
    try {
      if ((await request(`http://127.0.0.1:${port}/readyz`)).status === 200) break;
    } catch {
      /* keep asking */
    }
    await sleep(50);
  }
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  if (!Number.isFinite(ms)) throw new Error('/healthz did not answer 200 within 120 s');
  return ms;
}

export async function runStartup(log: (s: string) => void): Promise<StartupResult> {
  const rounds = Math.max(1, envInt('STARTUP_ROUNDS', 5));
  const profileDir = process.env.STARTUP_PROFILE_DIR;
  const args = productionArgs();
  const freshMs: number[] = [];
  const restartMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-startup-'));
    try {
      freshMs.push(await startOnce(dir, args, profileDir && path.join(profileDir, 'fresh')));
      await sleep(500);
      restartMs.push(await startOnce(dir, args, profileDir && path.join(profileDir, 'restart')));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    log(`  start-up round ${i + 1}/${rounds}: fresh ${(freshMs.at(-1)! / 1000).toFixed(2)} s, restart ${(restartMs.at(-1)! / 1000).toFixed(2)} s (load ${os.loadavg()[0]!.toFixed(2)})`);
  }
  return { rounds, freshMs, restartMs, load: os.loadavg().map((n) => n.toFixed(2)).join(' ') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await runStartup((s) => process.stderr.write(`${s}\n`));
  const s = (xs: number[]) => `median ${(median(xs) / 1000).toFixed(2)} s (min ${(Math.min(...xs) / 1000).toFixed(2)}, max ${(Math.max(...xs) / 1000).toFixed(2)})`;
  console.log(`start-up to /healthz, ${r.rounds} rounds, ${os.cpus().length} cores, load average ${r.load}`);
  console.log(`  fresh DATA_DIR: ${s(r.freshMs)}`);
  console.log(`  restart:        ${s(r.restartMs)}`);
}

import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lockDataDir, DataDirLockedError } from '../../server/db/dataDirLock.js';

function run(env: Record<string, string>): ChildProcess & { out: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, ...env, DATABASE_URL: '', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return Object.assign(child, { out: () => out });
}

const exited = (c: ChildProcess) => new Promise<number | null>((r) => c.once('exit', (code) => r(code)));

describe('DATA_DIR lock', () => {
  it('a second lock on the same directory in this process is refused while the first holder lives', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-lock-'));
    fs.writeFileSync(path.join(dir, 'beacon.lock'), JSON.stringify({ pid: process.ppid, host: os.hostname() }));
    expect(() => lockDataDir(dir)).to.throw(DataDirLockedError, /Another Beacon process/);
    // A stale lock (dead pid) is taken over.
    fs.writeFileSync(path.join(dir, 'beacon.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname() }));
    const release = lockDataDir(dir);
    release();
    expect(fs.existsSync(path.join(dir, 'beacon.lock'))).to.equal(false);
  });

  it('a second Beacon process on the same DATA_DIR refuses to start with a clear message', async function () {
    this.timeout(90_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-data-'));
    const first = run({ DATA_DIR: dir, PORT: '0', DEMO_DATA: 'false' });
    try {
      const deadline = Date.now() + 60_000;
      while (!first.out().includes('Beacon listening') && Date.now() < deadline) {
        if (first.exitCode !== null) throw new Error(`first process exited: ${first.out()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(first.out()).to.include('Beacon listening');
      // The one-time setup link is logged, never a password.
      expect(first.out()).to.include('/console/setup?token=');
      const second = run({ DATA_DIR: dir, PORT: '0', DEMO_DATA: 'false' });
      const code = await exited(second);
      expect(code).to.equal(73);
      expect(second.out()).to.include('Another Beacon process');
      expect(second.out()).to.include('DATABASE_URL');
    } finally {
      first.kill('SIGTERM');
      const code = await exited(first);
      expect(code).to.equal(0);
      expect(fs.existsSync(path.join(dir, 'beacon.lock'))).to.equal(false);
    }
  });
});

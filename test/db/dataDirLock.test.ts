import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lockDataDir, DataDirLockedError, processStartTime } from '../../server/db/dataDirLock.js';

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
  const lockFile = (dir: string) => path.join(dir, 'beacon.lock');
  const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-lock-'));
  const children: ChildProcess[] = [];
  after(() => children.forEach((c) => c.kill('SIGKILL')));
  /** A live process of our own: a `sleep`, or a node that idles. */
  async function live(cmd: string, args: string[]): Promise<number> {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    children.push(child);
    await new Promise((r) => child.once('spawn', r));
    return child.pid!;
  }

  it('refuses while the holder named in the lock (a live node process, same start time) runs', async () => {
    const dir = tmpDir();
    const pid = await live(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    fs.writeFileSync(lockFile(dir), JSON.stringify({ pid, host: os.hostname(), startTime: processStartTime(pid) }));
    expect(() => lockDataDir(dir)).to.throw(DataDirLockedError, /Another Beacon process/);
  });

  it('takes over a lock whose pid is dead', () => {
    const dir = tmpDir();
    fs.writeFileSync(lockFile(dir), JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname() }));
    const release = lockDataDir(dir);
    expect(JSON.parse(fs.readFileSync(lockFile(dir), 'utf8')).pid).to.equal(process.pid);
    release();
    expect(fs.existsSync(lockFile(dir))).to.equal(false);
  });

  it('takes over a lock whose pid was recycled: a live but unrelated process (sleep)', async () => {
    const dir = tmpDir();
    const pid = await live('sleep', ['60']);
    fs.writeFileSync(lockFile(dir), JSON.stringify({ pid, host: os.hostname(), since: new Date().toISOString() }));
    const release = lockDataDir(dir);
    expect(JSON.parse(fs.readFileSync(lockFile(dir), 'utf8')).pid).to.equal(process.pid);
    release();
  });

  it('takes over a lock whose pid now belongs to another node process (start time differs) or an earlier boot', async () => {
    const dir = tmpDir();
    const pid = await live(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    fs.writeFileSync(lockFile(dir), JSON.stringify({ pid, host: os.hostname(), startTime: '1' }));
    lockDataDir(dir)();
    fs.writeFileSync(lockFile(dir), JSON.stringify({ pid, host: os.hostname(), startTime: processStartTime(pid), bootId: 'another-boot' }));
    lockDataDir(dir)();
  });

  it('records pid, start time, boot id and a token; releasing never removes a lock another process took over', () => {
    const dir = tmpDir();
    const release = lockDataDir(dir);
    const mine = JSON.parse(fs.readFileSync(lockFile(dir), 'utf8'));
    expect(mine.pid).to.equal(process.pid);
    expect(mine.startTime).to.equal(processStartTime(process.pid)).and.to.match(/^\d+$/);
    expect(mine.bootId).to.be.a('string');
    expect(mine.token).to.match(/^[0-9a-f]{16}$/);
    fs.writeFileSync(lockFile(dir), JSON.stringify({ ...mine, token: 'someone-else' }));
    release();
    expect(fs.existsSync(lockFile(dir))).to.equal(true);
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

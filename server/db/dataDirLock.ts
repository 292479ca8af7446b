import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT, StartupError } from '../startupError.js';

export class DataDirLockedError extends StartupError {
  constructor(message: string) {
    super(EXIT.dataDirLocked, message);
  }
}

/** What a lock file records: enough to tell the live holder from a pid the kernel handed to someone else. */
interface Holder {
  pid?: number;
  host?: string;
  /** /proc/<pid>/stat field 22 (clock ticks since boot): a recycled pid gets a new start time. */
  startTime?: string;
  /** /proc/sys/kernel/random/boot_id: after a reboot every pid in the file is stale. */
  bootId?: string;
  token?: string;
  since?: string;
}

function read(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function processStartTime(pid: number): string | null {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return null;
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null; // field 22 overall; fields[0] is field 3
}

const bootId = () => read('/proc/sys/kernel/random/boot_id')?.trim() ?? null;

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is `holder` a live Beacon? kill(pid, 0) alone mistakes a recycled pid (after a crash or reboot) for one. */
function holderAlive(holder: Holder): boolean {
  const pid = holder.pid;
  if (!pid || pid === process.pid || !signalable(pid)) return false;
  if (!fs.existsSync('/proc/self/stat')) return true; // no procfs: kill(pid, 0) is all we have
  const boot = bootId();
  if (holder.bootId && boot && holder.bootId !== boot) return false;
  const started = processStartTime(pid);
  if (holder.startTime && started && holder.startTime !== started) return false;
  // Beacon runs on node: a live pid running anything else (a shell, sleep, postgres) is not the holder.
  // (An unreadable cmdline — another user's process under hidepid — counts as alive, to be safe.)
  const cmdline = read(`/proc/${pid}/cmdline`);
  if (cmdline === null) return true;
  const argv0 = cmdline.split('\0')[0] ?? '';
  return argv0 === process.execPath || /node/i.test(path.basename(argv0));
}

/** Refuses a DATA_DIR that is a file or cannot be written, with its own exit code and a one-line message. */
function prepare(dataDir: string): void {
  const where = path.resolve(dataDir);
  try {
    fs.mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new StartupError(EXIT.dataDirNotDirectory, `DATA_DIR ${where} is not a directory (a file is in the way); point DATA_DIR at a directory.`);
    throw new StartupError(EXIT.dataDirNotWritable, `DATA_DIR ${where} cannot be created (${code ?? (e as Error).message}); check its permissions or set DATA_DIR elsewhere.`);
  }
  if (!fs.statSync(dataDir).isDirectory()) {
    throw new StartupError(EXIT.dataDirNotDirectory, `DATA_DIR ${where} is not a directory (a file is in the way); point DATA_DIR at a directory.`);
  }
  for (const dir of [dataDir, path.join(dataDir, 'pgdata')]) {
    if (dir !== dataDir && !fs.existsSync(dir)) continue;
    try {
      fs.accessSync(dir, fs.constants.W_OK | fs.constants.R_OK | fs.constants.X_OK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'EACCES';
      throw new StartupError(EXIT.dataDirNotWritable, `DATA_DIR ${path.resolve(dir)} is not writable by this user (${code}); fix its owner or permissions, or set DATA_DIR elsewhere.`);
    }
  }
}

/**
 * PGlite has no cross-process lock: two processes on one directory silently lose writes.
 * An exclusive lock file naming this process stops a second one; a stale file is taken over —
 * one whose pid is dead, or alive but started at another time, after another boot, or not node.
 */
export function lockDataDir(dataDir: string): () => void {
  prepare(dataDir);
  const file = path.join(dataDir, 'beacon.lock');
  const mine: Holder = {
    pid: process.pid,
    host: os.hostname(),
    startTime: processStartTime(process.pid) ?? undefined,
    bootId: bootId() ?? undefined,
    token: crypto.randomBytes(8).toString('hex'),
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        // Only our own file: never remove a lock another process took over meanwhile.
        const current = read(file);
        if (current !== null && !current.includes(mine.token!)) return;
        fs.rmSync(file, { force: true });
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
        throw new StartupError(EXIT.dataDirNotWritable, `DATA_DIR ${path.resolve(dataDir)} is not writable by this user (${code}); fix its owner or permissions, or set DATA_DIR elsewhere.`);
      }
      if (code !== 'EEXIST') throw e;
      let holder: Holder = {};
      try {
        holder = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        /* unreadable lock: treat as stale */
      }
      const sameHost = !holder.host || holder.host === os.hostname();
      if (sameHost && holderAlive(holder)) {
        throw new DataDirLockedError(
          `Another Beacon process (pid ${holder.pid}) is already using DATA_DIR ${path.resolve(dataDir)}. ` +
            'The embedded database supports one process only; stop the other process, use another DATA_DIR, ' +
            'or set DATABASE_URL to run several instances on PostgreSQL.',
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new DataDirLockedError(`Could not lock DATA_DIR ${path.resolve(dataDir)}`);
}

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** Polls `check` until it returns a truthy value; fails with `what` (and the last error) at the deadline. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 60_000, everyMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A real child process with its stdout and stderr kept apart (the tail of each). */
export class Child {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  constructor(readonly proc: ChildProcess) {
    proc.stdout?.on('data', (d: Buffer) => (this.stdout = (this.stdout + d.toString()).slice(-50_000)));
    proc.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-50_000)));
    this.exited = new Promise((r) => {
      proc.once('exit', (code, signal) => r({ code, signal }));
      // Could not spawn at all (a missing binary): say so instead of crashing the test run.
      proc.once('error', (err) => {
        this.stderr += `spawn failed: ${err.message}`;
        r({ code: null, signal: null });
      });
    });
  }
  get alive() {
    return this.proc.pid !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }
  get out() {
    return this.stdout + this.stderr;
  }
  /** The port Beacon logged once it opened it. */
  get port(): number | null {
    const m = /"port":(\d+),"msg":"HTTP port open/.exec(this.stdout);
    return m ? Number(m[1]) : null;
  }
  /** Waits for `text` in the output; fails at once if the process exits first. */
  async waitForOutput(text: string | RegExp, timeoutMs = 90_000): Promise<void> {
    await waitFor(`${String(text)} in the output`, () => {
      const seen = typeof text === 'string' ? this.out.includes(text) : text.test(this.out);
      if (!seen && !this.alive) throw new Error(`the process exited first:\n${this.out.slice(-3000)}`);
      return seen;
    }, timeoutMs);
  }
  /** SIGKILL if still running (test clean-up). */
  async kill(): Promise<void> {
    if (this.alive) this.proc.kill('SIGKILL');
    await this.exited;
  }
}

/** `node --import tsx server/main.ts` with a clean slate of settings (`npm start` runs the same code compiled: test/startup/compiled.test.ts). */
/**
 * `withoutPrivileges`: as root, run Beacon with every capability dropped (setpriv), so file modes bind
 * it like any other user — without switching to a user who may not be able to read the checkout.
 */
export function startBeacon(env: Record<string, string>, opts: { withoutPrivileges?: boolean } = {}): Child {
  const node = [process.execPath, '--import', 'tsx', 'server/main.ts'];
  const argv = opts.withoutPrivileges && process.getuid?.() === 0 ? ['setpriv', '--bounding-set=-all', '--inh-caps=-all', '--', ...node] : node;
  const proc = spawn(argv[0]!, argv.slice(1), {
    env: {
      ...process.env,
      DATABASE_URL: '',
      REDIS_URL: '',
      SMTP_URL: '',
      PUBLIC_URL: '',
      METRICS_TOKEN: '',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'info',
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      WEBHOOK_ALLOW_PRIVATE: 'true', // loopback receivers
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Child(proc);
}

/** A private redis-server on `port` (no persistence), started and waited for. */
export async function startRedis(port: number): Promise<Child> {
  const child = new Child(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] }));
  await child.waitForOutput('Ready to accept connections', 20_000);
  return child;
}

import { EXIT, StartupError } from './startupError.js';

/** Thrown at a start-up checkpoint once SIGTERM/SIGINT has arrived: unwind, release, exit 0. */
export class StopRequested extends Error {
  constructor(readonly signal: string) {
    super(`stopped by ${signal} during start-up`);
  }
}

const HARD_STOP_MS = 30_000;

/**
 * Signals and exit codes. It imports nothing heavy, so main.ts installs the handlers before the
 * rest of Beacon is even loaded: from then on SIGTERM/SIGINT never kill the process outright —
 * during start-up they stop it at the next checkpoint (resources acquired so far are released),
 * afterwards they run the graceful shutdown.
 */
export class Lifecycle {
  private signal: string | null = null;
  private shutdown: ((signal: string) => Promise<void>) | null = null;

  install(): void {
    for (const name of ['SIGTERM', 'SIGINT'] as const) process.on(name, () => this.onSignal(name));
  }

  private onSignal(name: string): void {
    if (this.signal) return; // already stopping
    this.signal = name;
    // Whatever hangs (a request that never ends, a database that stopped answering), stop anyway.
    setTimeout(() => this.fail(1, `did not stop within ${HARD_STOP_MS / 1000} s of ${name}; exiting`), HARD_STOP_MS).unref();
    if (this.shutdown) void this.runShutdown();
  }

  /** Between start-up steps: throws StopRequested if a signal came in. */
  checkpoint(): void {
    if (this.signal) throw new StopRequested(this.signal);
  }

  /** Start-up finished: from now on a signal runs `shutdown` (and one that came in meanwhile, now). */
  started(shutdown: (signal: string) => Promise<void>): void {
    this.shutdown = shutdown;
    if (this.signal) void this.runShutdown();
  }

  private async runShutdown(): Promise<void> {
    try {
      await this.shutdown!(this.signal!);
      process.exit(EXIT.stopped);
    } catch (e) {
      this.fail(1, `shutdown failed: ${(e as Error).stack ?? String(e)}`);
    }
  }

  /** Maps a start-up failure to its one-line message and exit code (a bug keeps its stack trace). */
  exitFor(e: unknown): never {
    if (e instanceof StopRequested) process.exit(EXIT.stopped);
    if (e instanceof StartupError) this.fail(e.exitCode, e.message);
    this.fail(1, (e as Error)?.stack ?? String(e));
  }

  private fail(code: number, message: string): never {
    process.stderr.write(`beacon: ${message}\n`);
    process.exit(code);
  }
}

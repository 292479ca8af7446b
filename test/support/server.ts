import { deriveKey } from '../../server/secretsKey.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { AppDeps } from '../../server/deps.js';
import { createRuntime, type Runtime } from '../../server/runtime.js';
import { fullPathOf } from '../../server/http/fastPath.js';
import { FixedClock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { testDatabase } from './db.js';
import type { Database } from '../../server/db/client.js';

export const TEST_SECRET = 'test-session-secret-that-is-long-enough-0123456789';

/** Captures log lines so tests can assert on them (redaction) and keep the output quiet. */
export class LogSink extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.lines.push(chunk.toString());
    cb();
  }
  text() {
    return this.lines.join('');
  }
}

export interface TestServer {
  baseUrl: string;
  /** The same Express app on a second port without the fast path in front (the full path). */
  fullBaseUrl: string;
  deps: AppDeps;
  clock: FixedClock;
  logs: LogSink;
  runtime: Runtime;
  close(): Promise<void>;
}

/** The real app on a loopback port, on the shared test database, with a clock the test controls. */
export async function startTestServer(opts: { now?: string; env?: Record<string, string>; dispatchAfterWrite?: boolean; database?: Database; port?: number } = {}): Promise<TestServer> {
  const database = opts.database ?? (await testDatabase());
  const clock = new FixedClock(opts.now ?? '2026-11-29T12:00:00Z');
  const logs = new LogSink();
  // WEBHOOK_ALLOW_PRIVATE: the tests' webhook receivers listen on loopback, which the default policy
  // refuses; test/notify/webhookTargets.test.ts sets it back to false to test that policy.
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', DEMO_DATA: 'false', WEBHOOK_ALLOW_PRIVATE: 'true', ...opts.env });
  const deps: AppDeps = { config, database, clock, logger: createLogger('info', logs), sessionSecret: TEST_SECRET, secretsKey: deriveKey(TEST_SECRET, 'test') };
  // Background loops stay off: tests drive the dispatcher and watchers by hand with the fixed clock.
  const runtime = createRuntime(deps, { dispatchAfterWrite: opts.dispatchAfterWrite ?? false, timers: false });
  const server = runtime.server;
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', () => r()));
  runtime.health.started = true; // background work is the test's to drive: start-up ends at listen
  const { port } = server.address() as AddressInfo;
  const full = http.createServer(fullPathOf(runtime.snapshot));
  await new Promise<void>((r) => full.listen(0, '127.0.0.1', () => r()));
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    fullBaseUrl: `http://127.0.0.1:${(full.address() as AddressInfo).port}`,
    deps,
    clock,
    logs,
    runtime,
    close: async () => {
      await runtime.stop();
      full.closeAllConnections();
      await new Promise<void>((r) => full.close(() => r()));
      await new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      });
    },
  };
}

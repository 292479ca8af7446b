import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { Client } from '../support/client.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium for the browser suite. A missing browser is an error, not a skip: CI must go red
 * rather than pass without having run anything.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The browser tests need it: install Debian's \`chromium\` package ` +
        `(apt-get install chromium) or point CHROMIUM_PATH at a Chromium/Chrome binary.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Delivers outbox events, then rebuilds the public snapshot if the runtime has one (it may not yet). */
export async function settle(s: TestServer): Promise<void> {
  await s.runtime.dispatcher.drain();
  const snapshot = (s.runtime as unknown as { snapshot?: { rebuild?: () => unknown } }).snapshot;
  if (snapshot && typeof snapshot.rebuild === 'function') await snapshot.rebuild();
}

/** Polls `fn` until it returns a truthy value; throws `message` (plus the last value) on timeout. */
export async function until<T>(fn: () => Promise<T> | T, message: string, timeoutMs = 5_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError ? ` (last error: ${String(lastError)})` : ` (last value: ${JSON.stringify(last)})`;
      throw new Error(`${message} — not within ${timeoutMs} ms${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Collects the page's console errors and uncaught exceptions, for failure messages. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
  });
  return errors;
}

/** A loopback port free right now (for a server whose address must be known before it starts). */
export async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

export interface StaticSite {
  origin: string;
  close(): Promise<void>;
}

/** A tiny HTTP server on its own loopback port — a different origin from Beacon — serving fixed pages. */
export async function serveSite(pages: Record<string, string>): Promise<StaticSite> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const html = pages[path];
    if (html === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface BrowserEnv {
  s: TestServer;
  browser: Browser;
  context: BrowserContext | null;
  api: Client;
}

/**
 * The hooks every browser suite needs: one Chromium and one Beacon (fixed clock at `now`, or at what
 * `now()` says when each hook runs, for suites that must follow real time) per
 * suite, a fresh browser context and a regular staff member's API client per test. `bind` hands
 * the current objects to the suite's own variables after each hook; `opts.env` adds settings;
 * `opts.port` fixes Beacon's port (for a PUBLIC_URL that must name it, as WebAuthn's origin does).
 */
export function browserSuite(now: string | (() => string), bind: (env: BrowserEnv) => void, opts: { env?: () => Record<string, string>; port?: () => number } = {}): void {
  const env = { context: null } as BrowserEnv;
  before(async () => {
    env.browser = await launchBrowser();
    // `opts.env` is read here, after the suite's own earlier `before` hooks (a loopback SMTP server…).
    env.s = await startTestServer({ now: typeof now === 'function' ? now() : now, env: opts.env?.(), port: opts.port?.() });
    bind(env);
  });
  after(async () => {
    await env.browser?.close();
    await env.s?.close();
  });
  beforeEach(async () => {
    env.s.clock.set(typeof now === 'function' ? now() : now);
    await settle(env.s); // the tables were just truncated
    env.api = new Client(env.s.baseUrl, (await staff('regular')).token);
    env.context = await env.browser.newContext();
    bind(env);
  });
  afterEach(async () => {
    await env.context?.close();
    env.context = null;
    bind(env);
  });
}

import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { forbiddenRange, ipLiteralOf } from '../domain/webhooks/targetAddress.js';
import { signWebhook } from './webhookSignature.js';

export interface WebhookMessage {
  /** The delivery's idempotency key (or a fresh id for a ping): receivers dedupe on it. */
  id: string;
  type: string;
  created_at: string;
  data: Record<string, unknown>;
}

export interface WebhookAnswer {
  /** HTTP status, or null when no answer came (network error, timeout, refused target). */
  status: number | null;
  ok: boolean;
  responseMs: number;
  retryAfter: string | null;
  error?: string;
  /** The target's address is not public (and WEBHOOK_ALLOW_PRIVATE is off): nothing was sent. */
  refused?: boolean;
}

/** dns.lookup's shape; tests pass their own resolver to play a rebinding DNS server. */
export type Resolver = (hostname: string, options: dns.LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void) => void;

export interface PostOptions {
  /** WEBHOOK_ALLOW_PRIVATE: skip the public-address check. */
  allowPrivate: boolean;
  /** Time allowed for DNS + TCP (+ TLS) before the request is abandoned; capped by the overall timeout. */
  connectTimeoutMs?: number;
  resolve?: Resolver;
}

export const CONNECT_TIMEOUT_MS = 3_000;
const NOT_ALLOWED = 'ERR_WEBHOOK_TARGET_NOT_ALLOWED';

/**
 * A `lookup` for the socket that resolves and, when `guard` is set, refuses the whole name if any
 * address is not public; it hands the checked addresses to connect() — so the address checked is the
 * address connected to (a DNS server cannot answer "public" to a check and "127.0.0.1" to the connection).
 */
function lookupVia(resolve: Resolver, guard: boolean): net.LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err);
      const bad = guard ? addresses.map((a) => forbiddenRange(a.address)).find((r) => r !== null) : undefined;
      if (bad || !addresses.length) {
        const reason = bad ? `${hostname} resolves to a non-public address (${bad})` : `${hostname} has no address`;
        return callback(Object.assign(new Error(reason), { code: bad ? NOT_ALLOWED : 'ENOTFOUND' }));
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  }) as net.LookupFunction;
}

const defaultResolve: Resolver = (hostname, options, callback) => dns.lookup(hostname, options, callback);

/**
 * One signed POST of a message to an endpoint; never throws. Slack and Teams endpoints get the
 * message formatted for them (`content`); the headers still name the delivery, for tracing. Plain node:http(s) rather than fetch so
 * the socket's address lookup can be guarded; redirects are never followed (a 3xx is just a status);
 * the connection gets `connectTimeoutMs` and the whole exchange `timeoutMs`.
 */
export async function postWebhook(
  endpoint: { url: string; secret: string },
  message: WebhookMessage,
  now: Date,
  timeoutMs: number,
  opts: PostOptions = { allowPrivate: false },
  content: unknown = message,
): Promise<WebhookAnswer> {
  const body = JSON.stringify(content);
  const timestamp = Math.floor(now.getTime() / 1000);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (error: string, refused = false): WebhookAnswer => ({ status: null, ok: false, responseMs: elapsed(), retryAfter: null, error, ...(refused && { refused }) });

  let url: URL;
  try {
    url = new URL(endpoint.url);
  } catch {
    return failed('invalid url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return failed('unsupported protocol');
  if (!opts.allowPrivate) {
    // Sockets skip `lookup` for IP literals, so those are judged here.
    const literal = ipLiteralOf(url);
    const range = literal ? forbiddenRange(literal) : null;
    if (range) return failed(`target address not allowed (${range})`, true);
  }

  const connectTimeoutMs = Math.min(opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS, timeoutMs);
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<WebhookAnswer>((resolve) => {
    let settled = false;
    const finish = (answer: WebhookAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(overall);
      clearTimeout(connecting);
      req.destroy();
      resolve(answer);
    };
    const req = lib.request(
      url,
      {
        method: 'POST',
        agent: false,
        lookup: lookupVia(opts.resolve ?? defaultResolve, !opts.allowPrivate),
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(body)),
          'User-Agent': 'Beacon-Webhooks/1',
          'X-Beacon-Event': message.type,
          'X-Beacon-Delivery': message.id,
          'X-Beacon-Timestamp': String(timestamp),
          'X-Beacon-Signature': signWebhook(endpoint.secret, timestamp, body),
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const retryAfter = res.headers['retry-after'];
        res.resume(); // the body is not needed; finish() closes the socket
        finish({ status, ok: status >= 200 && status < 300, responseMs: elapsed(), retryAfter: typeof retryAfter === 'string' ? retryAfter : null });
      },
    );
    const overall = setTimeout(() => finish(failed(`timed out after ${timeoutMs} ms`)), timeoutMs);
    const connecting = setTimeout(() => finish(failed(`could not connect within ${connectTimeoutMs} ms`)), connectTimeoutMs);
    req.on('socket', (socket) => {
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connecting));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === NOT_ALLOWED) finish(failed(`target address not allowed: ${err.message}`, true));
      else finish(failed(err.code ?? err.message ?? String(err)));
    });
    req.end(body);
  });
}

/** Retry-After as seconds or an HTTP date → the instant to come back; null when absent or unreadable. */
export function retryAfterAt(value: string | null, now: Date): Date | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return new Date(now.getTime() + Number(value.trim()) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : new Date(Math.max(at, now.getTime()));
}

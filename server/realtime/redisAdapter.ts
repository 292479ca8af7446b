import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Server } from 'socket.io';
import type { Logger } from '../logger.js';

export type RedisState = 'connecting' | 'ready' | 'reconnecting' | 'closed';

/** What /readyz and /metrics report about Redis. */
export interface RedisLink {
  readonly state: RedisState;
  /** When the state last changed. */
  readonly since: Date;
  readonly lastError: string | null;
  close(): Promise<void>;
}

/** redis://user@host:port/db without its password, for logs. */
function describe(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'REDIS_URL';
  }
}

// Broadcasts queued while Redis is away are kept up to this many, then dropped (memory stays bounded).
const QUEUE_LIMIT = 1_000;

/**
 * With REDIS_URL, socket.io broadcasts reach clients on every instance. Start-up never waits for
 * Redis: the adapter is attached at once with clients that connect (and reconnect) in the background
 * with backoff; until Redis answers, broadcasts reach this instance's clients only. State changes
 * are logged once each, not per retry.
 */
export function attachRedisAdapter(io: Server, url: string, logger: Logger): RedisLink {
  const reconnectStrategy = (retries: number) => Math.min(100 * 2 ** retries, 5_000);
  const pub = createClient({ url, socket: { reconnectStrategy }, commandsQueueMaxLength: QUEUE_LIMIT });
  const sub = pub.duplicate();
  const where = describe(url);
  const ready = new Set<unknown>();
  let everReady = false;
  const link = { state: 'connecting' as RedisState, since: new Date(), lastError: null as string | null, close };
  const settle = () => {
    if (link.state === 'closed') return;
    const next: RedisState = ready.size === 2 ? 'ready' : everReady ? 'reconnecting' : 'connecting';
    if (next === link.state) return;
    const was = link.state;
    link.state = next;
    link.since = new Date();
    if (next === 'ready') {
      everReady = true;
      logger.info({ redis: where }, was === 'connecting' ? 'Redis connected' : 'Redis is back');
    } else if (was === 'ready') {
      logger.warn({ redis: where, err: link.lastError }, 'Redis unavailable; live updates stay on this instance; reconnecting with backoff');
    }
  };
  let warnedConnecting = false;
  for (const c of [pub, sub]) {
    c.on('error', (err: Error) => {
      link.lastError = String(err?.message ?? err);
      ready.delete(c);
      if (!everReady && !warnedConnecting) {
        warnedConnecting = true;
        logger.warn({ redis: where, err: link.lastError }, 'Redis unavailable at start-up; Beacon runs without it (live updates stay on this instance) and keeps connecting with backoff');
      }
      settle();
    });
    c.on('reconnecting', () => {
      ready.delete(c);
      settle();
    });
    c.on('end', () => {
      ready.delete(c);
      settle();
    });
    c.on('ready', () => {
      ready.add(c);
      settle();
    });
  }
  // The adapter fires commands without awaiting them; while Redis is away they fail (queue full,
  // client closed): mark those promises handled so they are not unhandled rejections.
  for (const [client, names] of [[pub, ['publish']], [sub, ['pSubscribe', 'subscribe', 'pUnsubscribe', 'unsubscribe']]] as const) {
    for (const name of names) {
      const original = (client as any)[name].bind(client);
      (client as any)[name] = (...args: unknown[]) => {
        const p = original(...args);
        p?.catch?.(() => {});
        return p;
      };
    }
  }
  for (const c of [pub, sub]) c.connect().catch(() => {}); // errors arrive as 'error' events
  io.adapter(createAdapter(pub, sub));

  async function close(): Promise<void> {
    link.state = 'closed';
    link.since = new Date();
    // disconnect, not quit: QUIT would wait in the offline queue for a Redis that may never come back.
    await Promise.allSettled([pub, sub].map(async (c) => c.disconnect()));
  }
  return link;
}

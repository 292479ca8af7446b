import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Server } from 'socket.io';
import type { Logger } from '../logger.js';

/**
 * With REDIS_URL, socket.io broadcasts reach clients on every instance. Redis going away is
 * logged, not fatal: the clients reconnect and the adapter resumes when Redis is back.
 */
export async function attachRedisAdapter(io: Server, url: string, logger: Logger): Promise<() => Promise<void>> {
  const reconnectStrategy = (retries: number) => Math.min(100 * 2 ** retries, 5_000);
  const pub = createClient({ url, socket: { reconnectStrategy } });
  const sub = pub.duplicate();
  let warned = false;
  for (const c of [pub, sub]) {
    c.on('error', (err) => {
      if (!warned) logger.warn({ err: String(err) }, 'Redis unavailable; live updates stay on this instance until it is back');
      warned = true;
    });
    c.on('ready', () => {
      if (warned) logger.info('Redis is back');
      warned = false;
    });
  }
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
  return async () => {
    await Promise.allSettled([pub.quit(), sub.quit()]);
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { choose } from './publicResponse.js';
import { requestIdFor } from './requestId.js';
import type { SnapshotStore } from './snapshot/snapshotStore.js';

export type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Something that counts fast-path hits (Metrics reports the count on scrape). */
export interface HitSink {
  fastPathHits: number;
}

const sinks = new WeakMap<object, HitSink>();
const fallbacks = new WeakMap<SnapshotStore, Listener>();

/** Lets createApp hand its Metrics to the fast path placed in front of that app. */
export function countFastPathHits(app: object, sink: HitSink): void {
  sinks.set(app, sink);
}

/** The Express app a store's fast path falls through to (tests compare both paths through it). */
export function fullPathOf(store: SnapshotStore): Listener | undefined {
  return fallbacks.get(store);
}

/**
 * A request listener that answers the hot public reads — `/api/v2/*.json`, `/api/v1/announcements`
 * and `/` — straight from the snapshot's prepared responses, before Express's middleware stack; all
 * else (other paths, other methods, any query string, no snapshot yet) falls through to `app`.
 *
 * It writes exactly what the Express routes write (the same prepared header lists, negotiation and
 * 304 rule; test/http/fastPath.test.ts compares both byte for byte) plus what the app's middleware
 * adds to every response: X-Request-Id (same rule as pino-http's genReqId) and the security headers.
 * Accepted trade-off: pino-http request logging and the per-route metrics histogram do not see these
 * hits; they are counted in `beacon_fast_path_hits_total` instead.
 */
export function fastPath(store: SnapshotStore, app: Listener): Listener {
  fallbacks.set(store, app);
  const sink = sinks.get(app);
  return (req, res) => {
    const method = req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') {
      const p = store.hot(req.url ?? '');
      if (p && (method !== 'OPTIONS' || p.cors)) {
        if (sink) sink.fastPathHits++;
        const head = ['X-Request-Id', requestIdFor(req)];
        if (method === 'OPTIONS') {
          res.writeHead(204, head.concat(p.fastPreflight));
          res.end();
          return;
        }
        const { rep, notModified } = choose(p, req.headers['accept-encoding'], req.headers['if-none-match']);
        res.writeHead(notModified ? 304 : 200, head.concat(notModified ? rep.fastNotModified : rep.fastOk));
        if (notModified || method === 'HEAD') res.end();
        else res.end(rep.body);
        return;
      }
    }
    app(req, res);
  };
}

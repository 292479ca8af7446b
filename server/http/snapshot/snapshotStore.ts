import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../logger.js';
import { presentAnnouncements } from '../../presenters/announcements.js';
import { API_POLICY, PAGE_POLICY, prepare, type Prepared, type ServePolicy } from '../publicResponse.js';
import { securityHeaderList } from '../securityHeaders.js';
import { buildSnapshot, v2Bodies, type PublicSnapshot } from './buildSnapshot.js';

export interface CachedResponse {
  body: Buffer;
  etag: string;
  contentType: string;
  /** The body gzipped and brotli-compressed, made once with it. */
  gzip: Buffer;
  br: Buffer;
}

const BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } };

/** Precomputes a body's ETag and compressed variants (synchronously: once per change, not per request). */
export function cached(body: string | Buffer, contentType: string): CachedResponse {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return {
    body: buf,
    etag: `"${crypto.createHash('sha1').update(buf).digest('base64url')}"`,
    contentType,
    gzip: zlib.gzipSync(buf, { level: 6 }),
    br: zlib.brotliCompressSync(buf, { ...BROTLI, params: { ...BROTLI.params, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length } }),
  };
}

/** Renders the status page's HTML for a snapshot (registered by the status page routes, which own the view). */
export type PageRenderer = (snap: PublicSnapshot, seq: number) => Promise<string>;

const MAX_TIMER_MS = 60 * 60_000;

/**
 * The public read model: rebuilt from the database once per change (and when time alone changes
 * it), serialized once, served from memory. `seq` increases with every rebuild.
 */
export class SnapshotStore {
  seq = 0;
  snapshot: PublicSnapshot | null = null;
  private responses = new Map<string, CachedResponse>();
  /** Ready-to-write responses by exact request path (the API paths and `/`), for the fast path. */
  private prepared = new Map<string, Prepared>();
  private pageRenderer: PageRenderer | null = null;
  private building: Promise<void> | null = null;
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private listeners: Array<(s: SnapshotStore) => void> = [];
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  onRebuilt(fn: (s: SnapshotStore) => void): void {
    this.listeners.push(fn);
  }

  /** Rebuilds now; concurrent calls coalesce into one extra rebuild so no change is missed. */
  rebuild(): Promise<void> {
    if (this.building) {
      this.dirty = true;
      return this.building;
    }
    this.building = (async () => {
      do {
        this.dirty = false;
        const snap = await buildSnapshot(this.db, this.config, this.clock.now());
        const seq = this.seq + 1;
        const responses = new Map<string, CachedResponse>();
        const prepared = new Map<string, Prepared>();
        const security = securityHeaderList(this.config, 'public').flat();
        const put = (path: string, c: CachedResponse, policy: ServePolicy, key = path) => {
          responses.set(key, c);
          prepared.set(path, prepare(c, policy, security));
        };
        const json = 'application/json; charset=utf-8';
        for (const [path, body] of Object.entries(v2Bodies(snap))) put(`/api/v2/${path}`, cached(JSON.stringify(body), json), API_POLICY);
        put('/api/v1/announcements', cached(JSON.stringify(presentAnnouncements(snap, { wanted: null, nextUpdate: false })), json), API_POLICY);
        if (this.pageRenderer) {
          try {
            put('/', cached(await this.pageRenderer(snap, seq), 'text/html; charset=utf-8'), PAGE_POLICY, 'page:/');
          } catch (err) {
            this.logger.error({ err }, 'could not render the status page (it will be rendered on request)');
          }
        }
        // Swapped together, after the last await, so no reader sees a snapshot with another's responses.
        this.snapshot = snap;
        this.seq = seq;
        this.responses = responses;
        this.prepared = prepared;
        this.armBoundary(snap.nextBoundary);
        for (const fn of this.listeners) {
          try {
            fn(this);
          } catch (err) {
            this.logger.error({ err }, 'snapshot listener failed');
          }
        }
      } while (this.dirty);
    })().finally(() => (this.building = null));
    return this.building;
  }

  /** Registers how `/` is rendered; from then on every rebuild renders (and compresses) it once. */
  setPageRenderer(fn: PageRenderer): void {
    this.pageRenderer = fn;
  }

  /** Synchronous lookup for the fast path: undefined before the first build and for any other path. */
  hot(path: string): Prepared | undefined {
    return this.prepared.get(path);
  }

  /** The prepared response for a path, building the first snapshot if needed (the Express routes). */
  async preparedResponse(path: string): Promise<Prepared | undefined> {
    if (!this.snapshot) await this.rebuild();
    return this.prepared.get(path);
  }

  async current(): Promise<PublicSnapshot> {
    if (!this.snapshot) await this.rebuild();
    return this.snapshot!;
  }

  async response(path: string): Promise<CachedResponse | undefined> {
    if (!this.snapshot) await this.rebuild();
    return this.responses.get(path);
  }

  /** Caches a rendering derived from the current snapshot (e.g. the HTML page) until the next rebuild. */
  async derived(key: string, make: (s: PublicSnapshot) => Promise<CachedResponse>): Promise<CachedResponse> {
    const snap = await this.current();
    const hit = this.responses.get(key);
    if (hit) return hit;
    const made = await make(snap);
    // Bounded: the keys may come from the query string (targeted announcements).
    if (this.snapshot === snap && this.responses.size < 2000) this.responses.set(key, made);
    return made;
  }

  private armBoundary(at: Date): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const delay = Math.min(Math.max(at.getTime() - this.clock.now().getTime(), 0) + 50, MAX_TIMER_MS);
    this.timer = setTimeout(() => void this.rebuild().catch((err) => this.logger.error({ err }, 'snapshot rebuild failed')), delay);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

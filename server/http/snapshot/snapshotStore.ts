import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Database } from '../../db/client.js';
import { readOneMoment } from '../../db/oneMoment.js';
import type { Logger } from '../../logger.js';
import { presentAnnouncements } from '../../presenters/announcements.js';
import { API_POLICY, PAGE_POLICY, prepare, type Prepared, type ServePolicy } from '../publicResponse.js';
import { securityHeaderList } from '../securityHeaders.js';
import { buildSnapshot, v2Bodies, type PublicSnapshot } from './buildSnapshot.js';

export interface CachedResponse {
  body: Buffer;
  etag: string;
  contentType: string;
  /** The body gzipped and brotli-compressed, each made on first use and kept with it. */
  readonly gzip: Buffer;
  readonly br: Buffer;
}

const BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } };

/**
 * A body with its ETag; the compressed variants are made when a client first asks for one (most
 * changes are read in one or two codings before the next, and the live push needs none).
 */
export function cached(body: string | Buffer, contentType: string): CachedResponse {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  let gzip: Buffer | undefined;
  let br: Buffer | undefined;
  return {
    body: buf,
    etag: `"${crypto.createHash('sha1').update(buf).digest('base64url')}"`,
    contentType,
    get gzip() {
      return (gzip ??= zlib.gzipSync(buf, { level: 6 }));
    },
    get br() {
      return (br ??= zlib.brotliCompressSync(buf, { ...BROTLI, params: { ...BROTLI.params, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length } }));
    },
  };
}

/** Renders the status page's HTML for a snapshot (registered by the status page routes, which own the view). */
export type PageRenderer = (snap: PublicSnapshot, seq: number) => Promise<string>;

const MAX_TIMER_MS = 60 * 60_000;

/**
 * The public read model: read from one moment of the database (db/oneMoment.ts) once per change
 * (and when time alone changes it), serialized once, served from memory. `seq` increases with every
 * rebuild.
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
  /** Renderings derived from the current snapshot (made or in the making), replaced with it. */
  private made = new Map<string, Promise<CachedResponse>>();
  private listeners: Array<(s: SnapshotStore) => void | Promise<void>> = [];
  private stopped = false;

  constructor(
    private readonly database: Pick<Database, 'db' | 'driver'>,
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Called after each rebuild, before the page is rendered; a returned promise is awaited (the live push). */
  onRebuilt(fn: (s: SnapshotStore) => void | Promise<void>): void {
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
        const now = this.clock.now();
        const snap = await readOneMoment(this.database, (db) => buildSnapshot(db, this.config, now));
        const seq = this.seq + 1;
        const responses = new Map<string, CachedResponse>();
        const prepared = new Map<string, Prepared>();
        const security = securityHeaderList(this.config, 'public').flat();
        const put = (path: string, c: CachedResponse, policy: ServePolicy) => {
          responses.set(path, c);
          prepared.set(path, prepare(c, policy, security));
        };
        const json = 'application/json; charset=utf-8';
        for (const [path, body] of Object.entries(v2Bodies(snap))) put(`/api/v2/${path}`, cached(JSON.stringify(body), json), API_POLICY);
        put('/api/v1/announcements', cached(JSON.stringify(presentAnnouncements(snap, { wanted: null, nextUpdate: false })), json), API_POLICY);
        // Swapped together, with no await in between, so no reader sees a snapshot with another's responses.
        this.snapshot = snap;
        this.seq = seq;
        this.responses = responses;
        this.prepared = prepared;
        this.made = new Map();
        this.armBoundary(snap.nextBoundary);
        // The live push first: it needs only its own fragment, not the page.
        await Promise.all(
          this.listeners.map(async (fn) => {
            try {
              await fn(this);
            } catch (err) {
              this.logger.error({ err }, 'snapshot listener failed');
            }
          }),
        );
        // Then the page, for the fast path; until it is there, `/` is rendered by its route (the same rendering).
        if (this.pageRenderer) {
          const render = this.pageRenderer;
          try {
            const page = await this.derived('page:/', (s) => render(s, seq).then((html) => cached(html, 'text/html; charset=utf-8')));
            if (this.snapshot === snap) prepared.set('/', prepare(page, PAGE_POLICY, security));
          } catch (err) {
            this.logger.error({ err }, 'could not render the status page (it will be rendered on request)');
          }
        }
      } while (this.dirty);
    })().finally(() => (this.building = null));
    return this.building;
  }

  /** Registers how `/` is rendered; from then on every rebuild renders it once, after the live push. */
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

  /** Caches a rendering derived from the current snapshot (e.g. the HTML page) until the next rebuild; callers meanwhile share it. */
  async derived(key: string, make: (s: PublicSnapshot) => Promise<CachedResponse>): Promise<CachedResponse> {
    const snap = await this.current();
    const made = this.made;
    let hit = made.get(key);
    if (!hit) {
      hit = make(snap);
      // Bounded: the keys may come from the query string (targeted announcements).
      if (made.size < 2000) {
        made.set(key, hit);
        hit.catch(() => made.delete(key));
      }
    }
    return hit;
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

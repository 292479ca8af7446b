import crypto from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../logger.js';
import { buildSnapshot, v2Bodies, type PublicSnapshot } from './buildSnapshot.js';

export interface CachedResponse {
  body: Buffer;
  etag: string;
  contentType: string;
}

export function cached(body: string | Buffer, contentType: string): CachedResponse {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return { body: buf, etag: `"${crypto.createHash('sha1').update(buf).digest('base64url')}"`, contentType };
}

const MAX_TIMER_MS = 60 * 60_000;

/**
 * The public read model: rebuilt from the database once per change (and when time alone changes
 * it), serialized once, served from memory. `seq` increases with every rebuild.
 */
export class SnapshotStore {
  seq = 0;
  snapshot: PublicSnapshot | null = null;
  private responses = new Map<string, CachedResponse>();
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
        this.snapshot = snap;
        this.seq += 1;
        const responses = new Map<string, CachedResponse>();
        for (const [path, body] of Object.entries(v2Bodies(snap))) responses.set(`/api/v2/${path}`, cached(JSON.stringify(body), 'application/json; charset=utf-8'));
        responses.set('/api/v1/announcements', cached(JSON.stringify({ announcements: snap.announcements, generated_at: snap.builtAt.toISOString() }), 'application/json; charset=utf-8'));
        this.responses = responses;
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
    if (this.snapshot === snap) this.responses.set(key, made);
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

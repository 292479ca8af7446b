import { z } from 'zod';
import { DomainError, ruleBroken } from '../domain/errors.js';
import { resolveFilter } from '../domain/public/announcementTargets.js';
import { presentAnnouncements, type AnnouncementView } from '../presenters/announcements.js';
import type { PublicSnapshot } from './snapshot/buildSnapshot.js';
import type { SnapshotStore } from './snapshot/snapshotStore.js';
import { fieldError, parse } from './validate.js';

// What a banner asks of the announcements — `?components=ID,…&group=ID&include=next_update` over
// HTTP, the same fields in the socket.io handshake's `auth` — checked once against the snapshot and
// normalised into a key: the cache key of the HTTP answer and the socket.io room of live pushes.
// The key keeps the request (not the expanded ids), so a group gaining a member is followed.

export interface AnnouncementRequest {
  components: string[];
  group: string | null;
  nextUpdate: boolean;
}

const MAX_IDS = 50;
const querySchema = z.object({
  components: z
    .string()
    .max(MAX_IDS * 37, `lists at most ${MAX_IDS} component ids`)
    .transform((s) => [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))])
    .pipe(z.array(z.string().uuid('must be component ids separated by commas')).max(MAX_IDS, `lists at most ${MAX_IDS} component ids`))
    .optional(),
  group: z.string().uuid('must be a component group id').optional(),
  include: z
    .string()
    .max(100, 'is too long')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['next_update'], { message: 'may only name next_update' })))
    .optional(),
});

type Raw = { components?: unknown; group?: unknown; include?: unknown };

/** No filter and no include: the plain answer (no snapshot needed to tell). */
export const asksNothing = (raw: Raw) => raw.components === undefined && raw.group === undefined && raw.include === undefined;

/** The request in `raw` (query string or handshake auth), or null when it asks nothing (the plain answer). */
export function readAnnouncementRequest(raw: Raw, snap: Pick<PublicSnapshot, 'components'>): AnnouncementRequest | null {
  if (asksNothing(raw)) return null;
  const q = parse(querySchema, { components: raw.components, group: raw.group, include: raw.include });
  const filtering = raw.components !== undefined || raw.group !== undefined;
  if (filtering && !q.components?.length && !q.group) throw fieldError('components', 'lists no component ids; leave it out for every announcement');
  const missing = [...(q.components ?? []), ...(q.group ? [q.group] : [])].filter((id) => !snap.components.some((c) => c.id === id));
  if (missing.length) throw new DomainError('not_found', 'component_not_found', `Unknown component: ${missing.join(', ')}`, { ids: missing });
  if (q.group && !snap.components.find((c) => c.id === q.group)!.group) throw ruleBroken('not_a_group', 'group must be a component group; use components= for a component', { field: 'group' });
  return { components: [...(q.components ?? [])].sort(), group: q.group ?? null, nextUpdate: Boolean(q.include?.length) };
}

/** The normalised request: '' for the plain answer, else `components=…&group=…&include=next_update`. */
export function requestKey(r: AnnouncementRequest | null): string {
  if (!r) return '';
  const parts = [r.components.length && `components=${r.components.join(',')}`, r.group && `group=${r.group}`, r.nextUpdate && 'include=next_update'];
  return parts.filter(Boolean).join('&');
}

/** A key made by requestKey, read back (keys come only from requestKey, so no checks). */
export function requestOfKey(key: string): AnnouncementRequest | null {
  if (!key) return null;
  const p = new URLSearchParams(key);
  return { components: p.get('components')?.split(',') ?? [], group: p.get('group'), nextUpdate: p.has('include') };
}

/** What to present for a request on this snapshot: groups expanded against its components. */
export function viewOf(r: AnnouncementRequest | null, snap: Pick<PublicSnapshot, 'components'>): AnnouncementView {
  if (!r) return { wanted: null, nextUpdate: false };
  const filtering = r.components.length > 0 || r.group !== null;
  return { wanted: filtering ? resolveFilter(r.components, r.group ?? undefined, snap.components) : null, nextUpdate: r.nextUpdate };
}

/** A live subscriber's room key, from its handshake fields: the same checks as the query string. */
export async function subscriptionKey(store: SnapshotStore, auth: Raw): Promise<string> {
  return asksNothing(auth) ? '' : requestKey(readAnnouncementRequest(auth, await store.current()));
}

const MAX_MEMO = 2000;

/** The live pushes of one snapshot by room key: each distinct request presented once, with `seq`. */
export function livePushes(snap: PublicSnapshot, seq: number): (key: string) => unknown {
  const made = new Map<string, unknown>();
  return (key) => {
    let push = made.get(key);
    if (!push) {
      push = { seq, ...presentAnnouncements(snap, viewOf(requestOfKey(key), snap)) };
      if (made.size < MAX_MEMO) made.set(key, push);
    }
    return push;
  };
}

// Pure: which components each announcement concerns, and the filter a targeted banner asks for.

import type { Announcement } from './announcements.js';

export interface ComponentRef {
  id: string;
  group: boolean;
  group_id: string | null;
}

/** A set of ids with every group replaced by itself plus its members (so a group matches its parts). */
function expand(ids: readonly string[], comps: readonly ComponentRef[]): Set<string> {
  const out = new Set(ids);
  for (const id of ids) for (const c of comps) if (c.group_id === id) out.add(c.id);
  return out;
}

/**
 * The components each announcement concerns, by announcement id; an announcement absent from the
 * map is page-wide. Incidents and maintenance concern their linked components (none linked =
 * page-wide: Beacon cannot tell whom it spares); notices their audience (none = page-wide).
 */
export function announcementTargets(
  input: {
    incidents: { id: string; components: { id: string }[] }[];
    maintenances: { id: string; components: { id: string }[] }[];
    notices: { id: string; componentIds: string[] | null }[];
  },
  comps: readonly ComponentRef[],
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const put = (key: string, ids: string[]) => {
    if (ids.length) out[key] = [...expand(ids, comps)].sort();
  };
  for (const i of input.incidents) put(`incident:${i.id}`, i.components.map((c) => c.id));
  for (const m of input.maintenances) put(`maintenance:${m.id}`, m.components.map((c) => c.id));
  for (const n of input.notices) put(`notice:${n.id}`, n.componentIds ?? []);
  return out;
}

/** What `?components=…&group=…` asks for: the ids with groups expanded, sorted (also the cache key). */
export function resolveFilter(components: readonly string[], group: string | undefined, comps: readonly ComponentRef[]): string[] {
  return [...expand(group ? [...components, group] : components, comps)].sort();
}

/** The announcements a targeted banner shows: page-wide ones, and those concerning any wanted component. */
export function filterAnnouncements(list: readonly Announcement[], targets: Record<string, string[]>, wanted: readonly string[]): Announcement[] {
  const want = new Set(wanted);
  return list.filter((a) => {
    const t = targets[a.id];
    return !t || t.some((id) => want.has(id));
  });
}

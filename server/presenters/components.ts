import type { ComponentRow } from '../domain/components/listComponents.js';
import { iso } from './iso.js';

export const PAGE_ID = 'beacon';

/** Statuspage's component object; used by the staff API, the public API, views and sockets. */
export function presentComponent(c: ComponentRow, all?: ComponentRow[]) {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    position: c.position,
    description: c.description,
    showcase: c.showcase,
    start_date: c.startDate,
    group_id: c.groupId,
    page_id: PAGE_ID,
    group: c.isGroup,
    only_show_if_degraded: c.onlyShowIfDegraded,
    ...(c.isGroup && all ? { components: all.filter((m) => m.groupId === c.id).map((m) => m.id) } : {}),
  };
}

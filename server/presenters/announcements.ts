import type { Announcement } from '../domain/public/announcements.js';
import { filterAnnouncements } from '../domain/public/announcementTargets.js';
import type { PublicSnapshot } from '../http/snapshot/buildSnapshot.js';

/** What a caller of the announcement API (HTTP or live) asked for; null `wanted` = every announcement. */
export interface AnnouncementView {
  /** Component ids with groups expanded (resolveFilter), or null for the unfiltered answer. */
  wanted: string[] | null;
  /** `include=next_update`: incidents carry `next_update_at`. */
  nextUpdate: boolean;
}

// The answer without `include=next_update` keeps the fields it had before commitments existed, in
// the same order, so the unfiltered body stays byte for byte what existing consumers read.
const withoutCommitment = ({ next_update_at: _promised, ...rest }: Announcement) => rest;

/** The announcements body served over HTTP and pushed live (with `seq`) to the same view. */
export function presentAnnouncements(s: Pick<PublicSnapshot, 'announcements' | 'announcementTargets' | 'builtAt'>, view: AnnouncementView) {
  const list = view.wanted ? filterAnnouncements(s.announcements, s.announcementTargets, view.wanted) : s.announcements;
  return {
    announcements: view.nextUpdate ? list : list.map(withoutCommitment),
    generated_at: s.builtAt.toISOString(),
    ...(view.wanted && { filter: { components: view.wanted } }),
  };
}

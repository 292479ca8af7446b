import ical, { ICalEventStatus, ICalEventTransparency } from 'ical-generator';
import type { MaintenanceDetail } from '../domain/maintenance/getMaintenance.js';

/**
 * RFC 5545 TEXT may not hold CONTROL characters other than tab (§3.3.11); line breaks are written
 * as `\n` by ical-generator, so CR and CRLF become LF first. Unpaired surrogates cannot be UTF-8.
 */
const NOT_ICS_TEXT = /[\u0000-\u0008\u000B-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const icsText = (s: string): string => s.replace(/\r\n?/g, '\n').replace(NOT_ICS_TEXT, '');

const STATUS_WORD: Record<string, string> = { scheduled: 'Scheduled', in_progress: 'In progress', verifying: 'Verifying', completed: 'Completed', cancelled: 'Cancelled' };

/** When the work really ran once it is done; the planned slot before. */
function times({ maintenance: m }: MaintenanceDetail): { start: Date; end: Date } {
  const start = m.status === 'completed' && m.startedAt ? m.startedAt : m.scheduledFor;
  const end = m.status === 'completed' && m.completedAt && m.completedAt > start ? m.completedAt : m.scheduledUntil;
  return { start, end: end > start ? end : m.scheduledUntil };
}

/**
 * The maintenance calendar. Every maintenance keeps one UID for life; SEQUENCE grows with each
 * reschedule, edit and status change, and a cancelled one stays with STATUS:CANCELLED, so calendar
 * apps that imported it update or strike their copy instead of keeping a stale event.
 */
export function maintenanceCalendar(list: MaintenanceDetail[], opts: { pageName: string; publicUrl: string }): string {
  const cal = ical({
    name: icsText(`${opts.pageName} maintenance`),
    prodId: { company: 'Beacon', product: 'status-page', language: 'EN' },
    url: `${opts.publicUrl}/maintenance.ics`,
    ttl: 15 * 60,
  });
  for (const detail of list) {
    const { maintenance: m, components } = detail;
    const cancelled = m.status === 'cancelled';
    cal.createEvent({
      id: `maintenance-${m.id}@beacon`,
      sequence: m.sequence,
      status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      ...times(detail),
      stamp: m.updatedAt,
      created: m.createdAt,
      lastModified: m.updatedAt,
      // Maintenance is something to know about, not time the subscriber is busy.
      transparency: ICalEventTransparency.TRANSPARENT,
      summary: icsText(`${cancelled ? 'Maintenance cancelled' : 'Maintenance'}: ${m.title}`),
      description: icsText(
        [m.body, components.length ? `Affects: ${components.map((c) => c.name).join(', ')}` : '', `Status: ${STATUS_WORD[m.status] ?? m.status}`]
          .filter(Boolean)
          .join('\n\n'),
      ),
      url: `${opts.publicUrl}/maintenance/${m.id}`,
    });
  }
  return cal.toString();
}

import type { Namespace } from 'socket.io';
import { DomainError } from '../domain/errors.js';

/** A public socket's handshake `auth` → its room key (the normalised filter); throws a DomainError for a bad filter. */
export type AnnouncementSubscriber = (auth: Record<string, unknown>) => Promise<string>;
/** The push for one room key, built from one snapshot (memoised by the caller: once per key). */
export type AnnouncementPushes = (key: string) => unknown;

const PREFIX = 'announcements?';

/**
 * Live announcements per filter: each public socket joins the room of what it asked for at
 * connection (a targeted banner's components/group, `include=next_update`; nothing = the plain
 * list), and every change is presented once per room that has a socket on this instance, so a
 * banner never receives an announcement that does not concern it. A socket that says
 * `announcements: false` (the status page) joins no such room.
 */
export class AnnouncementRooms {
  private pushes: AnnouncementPushes | null = null;

  constructor(
    private readonly ns: Namespace,
    subscribe: AnnouncementSubscriber,
  ) {
    ns.use(async (socket, next) => {
      try {
        const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
        // The status page sends `announcements: false`: it shows the status pushes only, and a second
        // packet to each of its sockets on every change would double the fan-out's writes.
        if (auth.announcements === false) return next();
        socket.data.announcements = await subscribe({ components: auth.components, group: auth.group, include: auth.include });
        next();
      } catch (err) {
        // The client's connect_error carries the same code the HTTP API answers (and no retry follows).
        const known = err instanceof DomainError;
        next(Object.assign(new Error(known ? err.message : 'unavailable'), { data: { code: known ? err.code : 'unavailable' } }));
      }
    });
    ns.on('connection', (socket) => {
      const key = socket.data.announcements as string | undefined;
      if (key === undefined) return;
      void socket.join(PREFIX + key);
      if (this.pushes) socket.emit('announcements', this.pushes(key));
    });
  }

  /** Sends each of this instance's rooms its own list (public pushes stay local, see the gateway). */
  publish(pushes: AnnouncementPushes): void {
    this.pushes = pushes;
    for (const room of this.ns.adapter.rooms.keys()) {
      if (room.startsWith(PREFIX)) this.ns.local.to(room).emit('announcements', pushes(room.slice(PREFIX.length)));
    }
  }
}

import type http from 'node:http';
import { parse as parseCookies } from 'cookie';
import { Server, type Namespace } from 'socket.io';
import type { AppDeps } from '../deps.js';
import { resolveApiToken } from '../domain/access/resolveApiToken.js';
import { resolveSession } from '../domain/access/resolveSession.js';
import { SESSION_COOKIE } from '../http/auth.js';
import { AnnouncementRooms, type AnnouncementPushes, type AnnouncementSubscriber } from './announcementRooms.js';

const STATUS_ROOM = 'status';

/**
 * socket.io pushes server → client only; every write goes over HTTP. The staff namespace requires
 * a console session cookie or an API token (`auth: { token }`).
 */
export class RealtimeGateway {
  readonly io: Server;
  readonly staff: Namespace;
  readonly public: Namespace;
  /** The current public status, sent to every client on (re)connect so none is ever stale. */
  private publicStatus: unknown = undefined;
  private readonly announcements: AnnouncementRooms;

  constructor(server: http.Server, deps: AppDeps, subscribe: AnnouncementSubscriber) {
    // CORS is open so the embeddable banner can connect from any site; staff sockets check Origin.
    this.io = new Server(server, { serveClient: true, cors: { origin: '*' } });
    this.public = this.io.of('/public');
    this.public.on('connection', (socket) => {
      // A banner sends `status: false`: it wants announcements only, not the status page's HTML.
      if (socket.handshake.auth?.status === false) return;
      void socket.join(STATUS_ROOM);
      if (this.publicStatus) socket.emit('status', this.publicStatus);
    });
    this.announcements = new AnnouncementRooms(this.public, subscribe);
    const ownOrigin = new URL(deps.config.publicUrl).origin;
    this.staff = this.io.of('/staff');
    this.staff.use(async (socket, next) => {
      try {
        const ctx = { db: deps.database.db, now: deps.clock.now(), actor: null };
        const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : null;
        const cookie = socket.handshake.headers.cookie ? parseCookies(socket.handshake.headers.cookie)[SESSION_COOKIE] : undefined;
        // A cookie rides along with cross-site websockets too: accept it only from our own pages.
        const origin = socket.handshake.headers.origin;
        const host = socket.handshake.headers.host;
        const sameSite = !origin || origin === ownOrigin || (host !== undefined && new URL(origin).host === host);
        const actor = token ? await resolveApiToken(ctx, token) : cookie && sameSite ? (await resolveSession(ctx, cookie))?.actor : null;
        if (!actor) return next(new Error('unauthenticated'));
        socket.data.actor = actor;
        next();
      } catch {
        next(new Error('unavailable'));
      }
    });
    this.staff.on('connection', (socket) => {
      void socket.join('staff');
      void socket.join(`user:${socket.data.actor.id}`);
    });
  }

  /**
   * One serialization per change, broadcast to this instance's public clients. Each instance
   * rebuilds its own snapshot on every change, so public pushes stay local (no Redis round trip
   * and no duplicates); staff events go through the adapter to every instance.
   */
  publishStatus(status: unknown, announcements: AnnouncementPushes): void {
    this.publicStatus = status;
    this.public.local.to(STATUS_ROOM).emit('status', status);
    this.announcements.publish(announcements);
  }

  connectedClients(): number {
    return this.io.engine.clientsCount;
  }

  toStaff(event: string, payload: unknown): void {
    this.staff.to('staff').emit(event, payload);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.io.close(() => resolve()));
  }
}

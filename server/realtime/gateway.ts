import type http from 'node:http';
import { parse as parseCookies } from 'cookie';
import { Server, type Namespace } from 'socket.io';
import type { AppDeps } from '../app.js';
import { resolveApiToken } from '../domain/access/resolveApiToken.js';
import { resolveSession } from '../domain/access/resolveSession.js';
import { SESSION_COOKIE } from '../http/auth.js';

/**
 * socket.io pushes server → client only; every write goes over HTTP. The staff namespace requires
 * a console session cookie or an API token (`auth: { token }`).
 */
export class RealtimeGateway {
  readonly io: Server;
  readonly staff: Namespace;

  constructor(server: http.Server, deps: AppDeps) {
    this.io = new Server(server, { serveClient: true, cors: { origin: false } });
    this.staff = this.io.of('/staff');
    this.staff.use(async (socket, next) => {
      try {
        const ctx = { db: deps.database.db, now: deps.clock.now(), actor: null };
        const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : null;
        const cookie = socket.handshake.headers.cookie ? parseCookies(socket.handshake.headers.cookie)[SESSION_COOKIE] : undefined;
        const actor = token ? await resolveApiToken(ctx, token) : cookie ? (await resolveSession(ctx, cookie))?.actor : null;
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

  toStaff(event: string, payload: unknown): void {
    this.staff.to('staff').emit(event, payload);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.io.close(() => resolve()));
  }
}

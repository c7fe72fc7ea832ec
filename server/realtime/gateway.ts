// Socket.IO: authenticates once at the handshake from the same session cookie,
// checks the Origin, joins rooms from server-side data only, and relays what
// services publish. Nothing is accepted from clients.
import type { Server, Socket } from 'socket.io';
import type { SessionService } from '../auth/sessions.service.ts';
import type { Config } from '../config.ts';
import { readCookie, sessionCookieName } from '../http/cookies.ts';
import type { Logger } from '../log.ts';
import type { ClientToServerEvents, Room, ServerToClientEvents } from './events.ts';
import type { Realtime } from './realtime.ts';

export interface SocketData {
  userId: string;
  sessionId: string;
}

export type VigieServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type VigieSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const RECHECK_MS = 60_000;

export function attachGateway(deps: {
  io: VigieServer;
  realtime: Realtime;
  sessions: SessionService;
  config: Pick<Config, 'publicOrigin' | 'secureCookies'>;
  log: Logger;
}): { close(): void } {
  const { io, realtime, sessions, config, log } = deps;

  io.use(async (socket: VigieSocket, next) => {
    try {
      const origin = socket.handshake.headers.origin;
      if (origin !== config.publicOrigin) return next(new Error('origin_refused'));
      const token = readCookie(socket.handshake.headers.cookie, sessionCookieName(config));
      // Opening a socket is not activity: a tab that reconnects by itself must not keep its session alive.
      const context = await sessions.resolve(token, { touch: false });
      if (!context || context.session.stage !== 'full') return next(new Error('unauthorized'));
      socket.data = { userId: context.user.id, sessionId: context.session.id };
      const rooms: Room[] = [
        `user:${context.user.id}`,
        `session:${context.session.id}`,
        ...context.roles.map((r) => `role:${r}` as const),
      ];
      await socket.join(rooms);
      next();
    } catch (error) {
      log.error('socket handshake failed', { error });
      next(new Error('unavailable'));
    }
  });

  const unsubscribe = realtime.subscribe((message) => {
    if (message.type === 'event') {
      if (message.rooms.length) io.to(message.rooms).emit(message.event, message.payload as never);
    } else if (message.rooms.length) {
      io.in(message.rooms).emit('session.ended', { reason: message.reason });
      io.in(message.rooms).disconnectSockets(true);
    }
  });

  // Sockets outlive HTTP requests: end those whose session expired, was
  // revoked or went idle. Only looks: a re-check is not activity, or an open
  // tab would stay signed in until the absolute limit.
  const recheck = setInterval(async () => {
    try {
      for (const socket of await io.local.fetchSockets()) {
        const token = readCookie(socket.handshake.headers.cookie, sessionCookieName(config));
        const context = await sessions.resolve(token, { touch: false });
        if (!context || context.session.id !== socket.data.sessionId) {
          socket.emit('session.ended', { reason: 'expired' });
          socket.disconnect(true);
        }
      }
    } catch (error) {
      log.warn('socket session recheck failed', { error });
    }
  }, RECHECK_MS);
  recheck.unref();

  return {
    close() {
      clearInterval(recheck);
      unsubscribe();
    },
  };
}

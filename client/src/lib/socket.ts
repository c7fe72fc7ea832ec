// The live connection. Sockets only push: the client never sends requests on
// them. Event names and payloads come from the server's typed map.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../server/wire/realtime.ts';
import { connection } from './state/connection.svelte.ts';
import { session } from './state/session.svelte.ts';

export type VigieSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: VigieSocket | undefined;

/** Opens the socket (after login). The handshake is authenticated by the session cookie. */
export function connectSocket(): VigieSocket {
  if (socket) return socket;
  connection.status = 'connecting';
  socket = io({ path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'] });
  socket.on('connect', () => (connection.status = 'connected'));
  socket.on('disconnect', () => (connection.status = 'disconnected'));
  socket.on('connect_error', () => (connection.status = 'disconnected'));
  socket.io.on('reconnect_attempt', () => (connection.status = 'connecting'));
  // The server ends a session's sockets when it is revoked, and asks them to
  // reconnect when the user's roles change (rooms follow roles).
  socket.on('session.ended', ({ reason }) => {
    disconnectSocket();
    if (reason === 'roles_changed') {
      void session.load().then(() => session.status === 'authenticated' && connectSocket());
    } else {
      session.clear();
    }
  });
  return socket;
}

export function disconnectSocket(): void {
  socket?.disconnect();
  socket = undefined;
  connection.status = 'disconnected';
}

/** Subscribes to a pushed event; returns the unsubscribe function (use it in $effect cleanups). */
export function onPush<K extends keyof ServerToClientEvents>(event: K, handler: ServerToClientEvents[K]): () => void {
  const s = connectSocket();
  s.on(event, handler as never);
  return () => {
    s.off(event, handler as never);
  };
}

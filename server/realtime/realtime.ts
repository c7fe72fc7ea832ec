// The in-process publisher services call after their commit. The gateway
// subscribes and sends to this instance's Socket.IO rooms. Services never see
// sockets.
import type { RealtimeEventName, RealtimePayload, Room } from './events.ts';

export type RealtimeMessage =
  | { type: 'event'; event: RealtimeEventName; payload: unknown; rooms: Room[] }
  | { type: 'disconnect'; rooms: Room[]; reason: RealtimePayload<'session.ended'>['reason'] };

export interface Realtime {
  publish<K extends RealtimeEventName>(event: K, payload: RealtimePayload<K>, rooms: Room[]): void;
  /** Ends the sockets in these rooms at once (revoked session, disabled user). */
  disconnect(rooms: Room[], reason: RealtimePayload<'session.ended'>['reason']): void;
  subscribe(listener: (message: RealtimeMessage) => void): () => void;
}

export function createRealtime(): Realtime {
  const listeners = new Set<(message: RealtimeMessage) => void>();
  const emit = (message: RealtimeMessage) => {
    for (const l of listeners) l(message);
  };
  return {
    publish: (event, payload, rooms) => emit({ type: 'event', event, payload, rooms }),
    disconnect: (rooms, reason) => emit({ type: 'disconnect', rooms, reason }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
